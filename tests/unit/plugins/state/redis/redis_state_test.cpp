// The store against a real redis-server: what a user checks before trusting it with calls.
#include "plugins/state/redis/redis_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include "plugins/state/redis/redis_errors.h"
#include "redis_test_support.h"

using namespace std::chrono_literals;

namespace callagent::plugins::redis {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using test::RawClient;

// One server for the suite; each test uses its own keys.
class RedisStateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = test::start_server().release(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr) << "redis-server did not start (see the failure above)";
    store_ = test::create_store(server_->config_json(), logger_);
    ASSERT_NE(store_, nullptr);
  }

  static testing::RedisServer* server_;
  callagent::testing::RecordingLogger logger_;
  std::unique_ptr<RedisStateStore> store_;
};
testing::RedisServer* RedisStateTest::server_ = nullptr;

std::optional<std::string> value_of(StateStore& store, std::string_view key) {
  auto result = store.get(key);
  EXPECT_TRUE(result.is_ok()) << result.status().message();
  return result.is_ok() ? result.value() : std::nullopt;
}

TEST_F(RedisStateTest, StartsWithOneInfoLineAndAnswersPing) {
  EXPECT_TRUE(store_->ping().is_ok());
  EXPECT_EQ(logger_.count(LogLevel::info, "state in redis at 127.0.0.1:" + std::to_string(server_->port())), 1u);
  EXPECT_EQ(logger_.lines().size(), 1u);
}

TEST_F(RedisStateTest, PutGetEraseRoundTripWithBinaryKeysAndValues) {
  const std::string key("round\0trip\r\n\xff", 13);
  const std::string value("{\"a\":1}\0\r\n\x80\xff end", 16);
  EXPECT_EQ(value_of(*store_, key), std::nullopt);
  ASSERT_TRUE(store_->put(key, value, 60s).is_ok());
  EXPECT_EQ(value_of(*store_, key), value);
  ASSERT_TRUE(store_->put(key, "second", 60s).is_ok());
  EXPECT_EQ(value_of(*store_, key), "second");
  ASSERT_TRUE(store_->erase(key).is_ok());
  EXPECT_EQ(value_of(*store_, key), std::nullopt);
  EXPECT_TRUE(store_->erase(key).is_ok()) << "erasing an absent key is ok";
  ASSERT_TRUE(store_->put("empty-value", "", 60s).is_ok());
  EXPECT_EQ(value_of(*store_, "empty-value"), "");
}

TEST_F(RedisStateTest, RefusesANonPositiveTtl) {
  EXPECT_EQ(store_->put("ttl-zero", "v", 0s).code(), ErrorCode::invalid_argument);
  EXPECT_EQ(store_->put_if_absent("ttl-negative", "v", -5s).status().code(), ErrorCode::invalid_argument);
  EXPECT_EQ(value_of(*store_, "ttl-zero"), std::nullopt);
}

TEST_F(RedisStateTest, TheTtlIsRedisOwnAndTheKeyExpires) {
  RawClient raw(*server_);
  ASSERT_TRUE(store_->put("expiring", "v", 1s).is_ok());
  ASSERT_TRUE(store_->put("lasting", "v", 3600s).is_ok());
  const auto pttl = raw.command({"PTTL", "expiring"});
  EXPECT_GT(pttl.integer, 0);
  EXPECT_LE(pttl.integer, 1000);
  EXPECT_GT(raw.command({"TTL", "lasting"}).integer, 3500);

  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (value_of(*store_, "expiring").has_value() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(value_of(*store_, "expiring"), std::nullopt);
  EXPECT_EQ(value_of(*store_, "lasting"), "v");
  EXPECT_EQ(raw.command({"EXISTS", "expiring"}).integer, 0);
}

TEST_F(RedisStateTest, PutIfAbsentSetsOnlyAnAbsentKeyWithItsTtl) {
  auto first = store_->put_if_absent("claim", "host-a", 60s);
  ASSERT_TRUE(first.is_ok()) << first.status().message();
  EXPECT_TRUE(first.value());
  auto second = store_->put_if_absent("claim", "host-b", 60s);
  ASSERT_TRUE(second.is_ok()) << second.status().message();
  EXPECT_FALSE(second.value());
  EXPECT_EQ(value_of(*store_, "claim"), "host-a");
  RawClient raw(*server_);
  EXPECT_GT(raw.command({"TTL", "claim"}).integer, 50);
}

TEST_F(RedisStateTest, PutIfAbsentHasExactlyOneWinnerAcrossTwoHostsAndManyThreads) {
  callagent::testing::RecordingLogger other_logger;
  auto other_host = test::create_store(server_->config_json(R"("pool_size": 4)"), other_logger);
  ASSERT_NE(other_host, nullptr);
  constexpr int kKeys = 40;
  constexpr int kThreadsPerHost = 6;
  std::vector<std::atomic<int>> winners(kKeys);
  std::atomic<int> errors{0};
  std::latch start(2 * kThreadsPerHost);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * kThreadsPerHost; ++t) {
    StateStore& host = t % 2 == 0 ? static_cast<StateStore&>(*store_) : *other_host;
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int k = 0; k < kKeys; ++k) {
        auto claimed = host.put_if_absent("race:" + std::to_string(k), "thread " + std::to_string(t), 60s);
        if (!claimed.is_ok()) {
          ++errors;
        } else if (claimed.value()) {
          ++winners[static_cast<std::size_t>(k)];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  for (int k = 0; k < kKeys; ++k) EXPECT_EQ(winners[static_cast<std::size_t>(k)].load(), 1) << "key " << k;
}

TEST_F(RedisStateTest, TheKeyPrefixIsPrependedToEveryKey) {
  callagent::testing::RecordingLogger logger;
  auto site_a = test::create_store(server_->config_json(R"("key_prefix": "site-a:")"), logger);
  auto site_b = test::create_store(server_->config_json(R"("key_prefix": "site-b:")"), logger);
  ASSERT_NE(site_a, nullptr);
  ASSERT_NE(site_b, nullptr);
  ASSERT_TRUE(site_a->put("callagent:call:1", "from a", 60s).is_ok());
  ASSERT_TRUE(site_b->put("callagent:call:1", "from b", 60s).is_ok());
  EXPECT_EQ(value_of(*site_a, "callagent:call:1"), "from a");
  EXPECT_EQ(value_of(*site_b, "callagent:call:1"), "from b");

  RawClient raw(*server_);
  EXPECT_EQ(raw.get("site-a:callagent:call:1"), "from a");
  EXPECT_EQ(raw.get("site-b:callagent:call:1"), "from b");
  EXPECT_EQ(raw.get("callagent:call:1"), std::nullopt);

  auto claimed = site_a->put_if_absent("claimed", "x", 60s);
  ASSERT_TRUE(claimed.is_ok());
  EXPECT_EQ(raw.get("site-a:claimed"), "x");
  ASSERT_TRUE(site_a->erase("callagent:call:1").is_ok());
  EXPECT_EQ(raw.get("site-a:callagent:call:1"), std::nullopt);
  EXPECT_EQ(raw.get("site-b:callagent:call:1"), "from b");
}

TEST_F(RedisStateTest, TheDatabaseIndexIsHonoured) {
  callagent::testing::RecordingLogger logger;
  auto in_db3 = test::create_store(server_->config_json(R"("database": 3)"), logger);
  ASSERT_NE(in_db3, nullptr);
  ASSERT_TRUE(in_db3->put("db-key", "in three", 60s).is_ok());
  RawClient raw(*server_);
  EXPECT_EQ(raw.get("db-key"), std::nullopt);
  raw.command({"SELECT", "3"});
  EXPECT_EQ(raw.get("db-key"), "in three");
}

TEST_F(RedisStateTest, ADatabaseTheServerRefusesFailsCreateNamingTheKey) {
  callagent::testing::RecordingLogger logger;
  const std::string config = server_->config_json(R"("database": 5000)");
  auto created = RedisStateStore::create(ProviderContext{config, logger, ""});
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().code(), ErrorCode::invalid_config);
  EXPECT_THAT(created.status().message(), HasSubstr("database: "));
  EXPECT_THAT(created.status().message(), HasSubstr("SELECT 5000"));
}

TEST_F(RedisStateTest, AnErrorReplyIsAVendorErrorNamingTheCommand) {
  RawClient raw(*server_);
  raw.command({"RPUSH", "a-list", "x"});
  auto got = store_->get("a-list");
  ASSERT_FALSE(got.is_ok());
  EXPECT_EQ(got.status().code(), ErrorCode::vendor_error);
  EXPECT_THAT(got.status().message(), HasSubstr("refused GET: WRONGTYPE"));
  // The connection is still good after an error reply.
  EXPECT_TRUE(store_->ping().is_ok());
}

TEST_F(RedisStateTest, AReplicaThatLostItsMasterIsUnavailableUntilItIsPromoted) {
  // A real MASTERDOWN/READONLY: make the server a replica of a master that does not exist.
  RawClient raw(*server_);
  ASSERT_EQ(raw.command({"CONFIG", "SET", "replica-serve-stale-data", "no"}).type, REDIS_REPLY_STATUS);
  ASSERT_EQ(raw.command({"REPLICAOF", "127.0.0.1", "1"}).type, REDIS_REPLY_STATUS);
  const Status put = store_->put("replica-key", "v", 60s);
  auto got = store_->get("replica-key");
  raw.command({"REPLICAOF", "NO", "ONE"});
  raw.command({"CONFIG", "SET", "replica-serve-stale-data", "yes"});

  EXPECT_EQ(put.code(), ErrorCode::unavailable) << put.message();
  EXPECT_THAT(put.message(), HasSubstr("cannot serve SET now"));
  ASSERT_FALSE(got.is_ok());
  EXPECT_EQ(got.status().code(), ErrorCode::unavailable) << got.status().message();
  EXPECT_THAT(got.status().message(), HasSubstr("MASTERDOWN"));
  EXPECT_EQ(store_->outage_failures(), 0u) << "a server that answers is not an outage";
  EXPECT_TRUE(store_->put("replica-key", "v", 60s).is_ok());
}

TEST(RedisErrorReplyTest, ClassifiesWhatRedisAnswers) {
  EXPECT_EQ(status_for_error_reply("GET", "LOADING Redis is loading the dataset in memory", "h:1", "").code(),
            ErrorCode::unavailable);
  EXPECT_EQ(status_for_error_reply("GET", "NOAUTH Authentication required.", "h:1", "").message(),
            "redis at h:1 requires a password and none is configured (set `password`): "
            "NOAUTH Authentication required.");
  EXPECT_EQ(status_for_error_reply("GET", "WRONGPASS invalid username-password pair", "h:1", "pw").code(),
            ErrorCode::unauthenticated);
  EXPECT_EQ(status_for_error_reply("SET", "ERR echo s3cret", "h:1", "s3cret").message(),
            "redis at h:1 refused SET: ERR echo ***");
}

TEST_F(RedisStateTest, ManyThreadsShareASmallPool) {
  callagent::testing::RecordingLogger logger;
  auto store = test::create_store(server_->config_json(R"("pool_size": 2, "command_timeout_ms": 5000)"), logger);
  ASSERT_NE(store, nullptr);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string key = "shared:" + std::to_string(t) + ":" + std::to_string(i);
        if (!store->put(key, key, 60s).is_ok()) ++failures;
        auto got = store->get(key);
        if (!got.is_ok() || got.value() != key) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace callagent::plugins::redis
