// The config a user writes: defaults, every key, and errors that name the key and never
// show the password.
#include "plugins/state/redis/redis_state_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "plugins/state/redis/redis_state.h"

namespace callagent::plugins::redis {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void expect_config_error(std::string_view config_json, std::string_view message) {
  const Status status = RedisStateStore::validate_config(config_json);
  EXPECT_EQ(status.code(), ErrorCode::invalid_config) << config_json;
  EXPECT_EQ(status.message(), message) << config_json;
}

TEST(RedisStateConfigTest, EveryKeyIsOptionalWithTheDocumentedDefaults) {
  for (const std::string_view text : {"", " \n", "{}"}) {
    auto parsed = parse_redis_state_config(text);
    ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
    const RedisStateConfig& config = parsed.value();
    EXPECT_EQ(config.host, "127.0.0.1");
    EXPECT_EQ(config.port, 6379);
    EXPECT_EQ(config.password, "");
    EXPECT_EQ(config.database, 0);
    EXPECT_EQ(config.key_prefix, "");
    EXPECT_EQ(config.pool_size, 16u);
    EXPECT_EQ(config.connect_timeout.count(), 500);
    EXPECT_EQ(config.command_timeout.count(), 500);
    EXPECT_EQ(config.reconnect_backoff_initial.count(), 100);
    EXPECT_EQ(config.reconnect_backoff_max.count(), 5000);
    EXPECT_EQ(config.endpoint(), "127.0.0.1:6379");
  }
}

TEST(RedisStateConfigTest, ReadsEveryKey) {
  auto parsed = parse_redis_state_config(R"({
    "host": "redis.internal", "port": 6380, "password": "pw", "database": 3,
    "key_prefix": "site-a:", "pool_size": 4, "connect_timeout_ms": 250,
    "command_timeout_ms": 750, "reconnect_backoff_initial_ms": 50,
    "reconnect_backoff_max_ms": 2000})");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
  const RedisStateConfig& config = parsed.value();
  EXPECT_EQ(config.endpoint(), "redis.internal:6380");
  EXPECT_EQ(config.password, "pw");
  EXPECT_EQ(config.database, 3);
  EXPECT_EQ(config.key_prefix, "site-a:");
  EXPECT_EQ(config.pool_size, 4u);
  EXPECT_EQ(config.connect_timeout.count(), 250);
  EXPECT_EQ(config.command_timeout.count(), 750);
  EXPECT_EQ(config.reconnect_backoff_initial.count(), 50);
  EXPECT_EQ(config.reconnect_backoff_max.count(), 2000);
}

TEST(RedisStateConfigTest, RefusesValuesOutOfRangeNamingTheKey) {
  expect_config_error(R"({"port": "abc"})", R"(port: expected an integer from 1 to 65535, got "abc")");
  expect_config_error(R"({"port": 0})", "port: expected an integer from 1 to 65535, got 0");
  expect_config_error(R"({"port": 70000})", "port: expected an integer from 1 to 65535, got 70000");
  expect_config_error(R"({"port": 6379.5})", "port: expected an integer from 1 to 65535, got 6379.5");
  expect_config_error(R"({"database": -1})", "database: expected an integer from 0 to 2147483647, got -1");
  expect_config_error(R"({"pool_size": 0})", "pool_size: expected an integer from 1 to 1024, got 0");
  expect_config_error(R"({"command_timeout_ms": 0})",
                      "command_timeout_ms: expected an integer from 1 to 60000, got 0");
  expect_config_error(R"({"connect_timeout_ms": true})",
                      "connect_timeout_ms: expected an integer from 1 to 60000, got true");
  expect_config_error(R"({"host": ""})", R"(host: expected a non-empty string, got "")");
  expect_config_error(R"({"key_prefix": 5})", "key_prefix: expected a string, got 5");
  expect_config_error(R"({"reconnect_backoff_initial_ms": 500, "reconnect_backoff_max_ms": 100})",
                      "reconnect_backoff_max_ms: must be >= reconnect_backoff_initial_ms (500), got 100");
}

TEST(RedisStateConfigTest, RefusesUnknownKeysListingTheKnownOnes) {
  expect_config_error(R"({"hostname": "x"})",
                      "hostname: unknown key (known: command_timeout_ms, connect_timeout_ms, database, "
                      "host, key_prefix, password, pool_size, port, reconnect_backoff_initial_ms, "
                      "reconnect_backoff_max_ms, url)");
}

TEST(RedisStateConfigTest, RefusesTextThatIsNotAJsonObject) {
  EXPECT_EQ(RedisStateStore::validate_config("[1]").message(), "config must be a JSON object, got array");
  EXPECT_THAT(RedisStateStore::validate_config("{").message(), HasSubstr("is not JSON"));
}

TEST(RedisStateConfigTest, NeverQuotesThePassword) {
  const Status status = RedisStateStore::validate_config(R"({"password": 123456789})");
  EXPECT_EQ(status.code(), ErrorCode::invalid_config);
  EXPECT_EQ(status.message(), "password: expected a string");
}

TEST(RedisStateConfigTest, ReadsAUrlInsteadOfHostPortPasswordAndDatabase) {
  auto parsed = parse_redis_state_config(R"({"url": "redis://:p@ss/w@cache.local:6390/2"})");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
  EXPECT_EQ(parsed.value().host, "cache.local");
  EXPECT_EQ(parsed.value().port, 6390);
  EXPECT_EQ(parsed.value().password, "p@ss/w");
  EXPECT_EQ(parsed.value().database, 2);

  auto minimal = parse_redis_state_config(R"({"url": "redis://localhost"})");
  ASSERT_TRUE(minimal.is_ok()) << minimal.status().message();
  EXPECT_EQ(minimal.value().endpoint(), "localhost:6379");
  EXPECT_EQ(minimal.value().password, "");
  EXPECT_EQ(minimal.value().database, 0);
}

TEST(RedisStateConfigTest, RefusesABadUrlWithoutQuotingIt) {
  const std::string secret = "hunter2secret";
  for (const std::string& url : {"http://:" + secret + "@h", "redis://user:" + secret + "@h",
                                "redis://:" + secret + "@h:99999", "redis://:" + secret + "@h/x",
                                "redis://:" + secret + "@", "rediss://:" + secret + "@h"}) {
    const Status status = RedisStateStore::validate_config(R"({"url": ")" + url + R"("})");
    EXPECT_EQ(status.code(), ErrorCode::invalid_config) << url;
    EXPECT_THAT(status.message(), HasSubstr("url: ")) << url;
    EXPECT_THAT(status.message(), Not(HasSubstr(secret))) << url;
  }
  expect_config_error(R"({"url": "redis://h", "port": 1})", "url: give either url or port, not both");
}

}  // namespace
}  // namespace callagent::plugins::redis
