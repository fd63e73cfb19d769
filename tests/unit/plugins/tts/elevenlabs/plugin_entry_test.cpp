// The exported entry, as the host's loader sees it.
#include <gtest/gtest.h>

#include <string>

#include "callagent/plugin_api.h"
#include "tests/fakes/recording_logger.h"

extern "C" const callagent::PluginInfo* callagent_plugin_v1();

namespace callagent::plugins {
namespace {

TEST(TtsElevenLabsPluginEntry, DescribesATtsPluginNamedTtsElevenLabs) {
  const PluginInfo* info = callagent_plugin_v1();
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->struct_size, sizeof(PluginInfo));
  EXPECT_EQ(info->api_major, static_cast<std::uint32_t>(CALLAGENT_PLUGIN_API_MAJOR));
  EXPECT_EQ(info->kind, PluginKind::tts);
  EXPECT_EQ(std::string(info->name), "tts_elevenlabs");
  EXPECT_EQ(std::string(info->version), "1.0.0");
  EXPECT_EQ(std::string(info->description), "ElevenLabs streaming speech synthesis");
  ASSERT_NE(info->validate_config, nullptr);
  EXPECT_EQ(info->validate_config(R"({"api_key": "k", "colour": "blue"})").code(), ErrorCode::invalid_config);
  EXPECT_TRUE(info->validate_config(R"({"api_key": "k"})").is_ok());
}

TEST(TtsElevenLabsPluginEntry, CreatesAMulawTtsProviderWithoutLoggingTheKey) {
  callagent::testing::RecordingLogger logger;
  const ProviderContext context{R"({"api_key": "sk_entry_secret"})", logger, ""};
  auto created = callagent_plugin_v1()->create(context);
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  auto* tts = dynamic_cast<TtsProvider*>(created.value().get());
  ASSERT_NE(tts, nullptr);
  EXPECT_EQ(tts->output_format().encoding, AudioEncoding::mulaw);
  EXPECT_EQ(tts->output_format().sample_rate_hz, 8000u);
  EXPECT_EQ(tts->voice_key(), "tts_elevenlabs:EXAVITQu4vr4xnSDxMaL:eleven_flash_v2_5:0.71:0.45:0:default");
  EXPECT_EQ(logger.all_text().find("sk_entry_secret"), std::string::npos);
}

}  // namespace
}  // namespace callagent::plugins
