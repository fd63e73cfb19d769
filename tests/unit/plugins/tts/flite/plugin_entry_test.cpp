// The exported entry, as the host's loader sees it.
#include <gtest/gtest.h>

#include <string>

#include "callagent/plugin_api.h"
#include "tests/fakes/recording_logger.h"

extern "C" const callagent::PluginInfo* callagent_plugin_v1();

namespace callagent::plugins {
namespace {

TEST(TtsFlitePluginEntry, DescribesATtsPluginNamedTtsFlite) {
  const PluginInfo* info = callagent_plugin_v1();
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->struct_size, sizeof(PluginInfo));
  EXPECT_EQ(info->api_major, static_cast<std::uint32_t>(CALLAGENT_PLUGIN_API_MAJOR));
  EXPECT_EQ(info->kind, PluginKind::tts);
  EXPECT_EQ(std::string(info->name), "tts_flite");
  EXPECT_EQ(std::string(info->version), "1.0.0");
  ASSERT_NE(info->validate_config, nullptr);
  EXPECT_EQ(info->validate_config(R"({"colour": "blue"})").code(), ErrorCode::invalid_config);
}

TEST(TtsFlitePluginEntry, CreatesATtsProvider) {
  callagent::testing::RecordingLogger logger;
  const ProviderContext context{R"({"voice": "slt"})", logger, ""};
  auto created = callagent_plugin_v1()->create(context);
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  auto* tts = dynamic_cast<TtsProvider*>(created.value().get());
  ASSERT_NE(tts, nullptr);
  EXPECT_EQ(tts->voice_key(), "tts_flite:slt:1:default");
}

}  // namespace
}  // namespace callagent::plugins
