// The exported entry, as the host's loader sees it.
#include <gtest/gtest.h>

#include <string>

#include "callagent/plugin_api.h"
#include "redis_test_support.h"

extern "C" const callagent::PluginInfo* callagent_plugin_v1();

using namespace std::chrono_literals;

namespace callagent::plugins::redis {
namespace {

TEST(StateRedisPluginEntry, DescribesAStatePluginNamedStateRedis) {
  const PluginInfo* info = callagent_plugin_v1();
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->struct_size, sizeof(PluginInfo));
  EXPECT_EQ(info->api_major, static_cast<std::uint32_t>(CALLAGENT_PLUGIN_API_MAJOR));
  EXPECT_EQ(info->kind, PluginKind::state_store);
  EXPECT_EQ(std::string(info->name), "state_redis");
  EXPECT_EQ(std::string(info->version), "1.0.0");
  ASSERT_NE(info->validate_config, nullptr);
  EXPECT_TRUE(info->validate_config(R"({"port": 6380})").is_ok());
  EXPECT_EQ(info->validate_config(R"({"colour": "blue"})").code(), ErrorCode::invalid_config);
}

TEST(StateRedisPluginEntry, CreatesAWorkingStateStore) {
  auto server = test::start_server();
  ASSERT_NE(server, nullptr);
  callagent::testing::RecordingLogger logger;
  const std::string config = server->config_json(R"("key_prefix": "entry:")");
  auto created = callagent_plugin_v1()->create(ProviderContext{config, logger, ""});
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  auto* store = dynamic_cast<StateStore*>(created.value().get());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put("k", "v", 60s).is_ok());
  test::RawClient raw(*server);
  EXPECT_EQ(raw.get("entry:k"), "v");
}

TEST(StateRedisPluginEntry, RefusesABadConfigThroughTheFactory) {
  callagent::testing::RecordingLogger logger;
  auto created = callagent_plugin_v1()->create(ProviderContext{R"({"port": "abc"})", logger, ""});
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().code(), ErrorCode::invalid_config);
  EXPECT_EQ(created.status().message(), R"(port: expected an integer from 1 to 65535, got "abc")");
}

}  // namespace
}  // namespace callagent::plugins::redis
