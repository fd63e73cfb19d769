#include "plugins/tts/flite/flite_tts_config.h"

#include <gtest/gtest.h>

#include <string>

namespace callagent::plugins {
namespace {

FliteTtsConfig parsed(std::string_view json) {
  auto config = parse_flite_tts_config(json);
  EXPECT_TRUE(config.is_ok()) << json << ": " << config.status().message();
  return config.is_ok() ? config.value() : FliteTtsConfig{};
}

// The error's message, failing the test unless it is invalid_config.
std::string config_error(std::string_view json) {
  auto config = parse_flite_tts_config(json);
  EXPECT_FALSE(config.is_ok()) << json << " was accepted";
  EXPECT_EQ(config.status().code(), ErrorCode::invalid_config) << json;
  return config.status().message();
}

TEST(FliteTtsConfig, EmptyTextAndEmptyObjectMeanDefaults) {
  for (const std::string_view json : {"", "  \n", "{}"}) {
    const FliteTtsConfig config = parsed(json);
    EXPECT_EQ(config.voice, "rms");
    EXPECT_DOUBLE_EQ(config.speed, 1.0);
    EXPECT_FALSE(config.pitch_hz.has_value());
  }
}

TEST(FliteTtsConfig, ReadsEveryKey) {
  const FliteTtsConfig config = parsed(R"({"voice": "kal16", "speed": 1.5, "pitch_hz": 180})");
  EXPECT_EQ(config.voice, "kal16");
  EXPECT_DOUBLE_EQ(config.speed, 1.5);
  ASSERT_TRUE(config.pitch_hz.has_value());
  EXPECT_DOUBLE_EQ(*config.pitch_hz, 180.0);
}

TEST(FliteTtsConfig, AcceptsEveryVoiceAndTheRangeEnds) {
  for (const std::string_view voice : {"slt", "rms", "awb", "kal", "kal16"}) {
    EXPECT_EQ(parsed(R"({"voice": ")" + std::string(voice) + "\"}").voice, voice);
  }
  EXPECT_DOUBLE_EQ(parsed(R"({"speed": 0.5})").speed, 0.5);
  EXPECT_DOUBLE_EQ(parsed(R"({"speed": 2})").speed, 2.0);
  EXPECT_DOUBLE_EQ(*parsed(R"({"pitch_hz": 50})").pitch_hz, 50.0);
  EXPECT_DOUBLE_EQ(*parsed(R"({"pitch_hz": 400.0})").pitch_hz, 400.0);
}

TEST(FliteTtsConfig, RefusesUnknownKeysNamingThem) {
  const std::string message = config_error(R"({"voice": "rms", "first_chunk_ms": 100})");
  EXPECT_EQ(message.rfind("first_chunk_ms: unknown key", 0), 0U) << message;
  EXPECT_NE(message.find("pitch_hz, speed, voice"), std::string::npos) << message;
}

TEST(FliteTtsConfig, RefusesUnknownVoicesListingTheKnownOnes) {
  const std::string message = config_error(R"({"voice": "kal8"})");
  EXPECT_EQ(message.rfind("voice: expected one of", 0), 0U) << message;
  EXPECT_NE(message.find("\"kal16\""), std::string::npos) << message;
  EXPECT_NE(message.find("got \"kal8\""), std::string::npos) << message;
  EXPECT_EQ(config_error(R"({"voice": 3})").rfind("voice: ", 0), 0U);
  EXPECT_EQ(config_error(R"({"voice": "RMS"})").rfind("voice: ", 0), 0U);
}

TEST(FliteTtsConfig, RefusesSpeedsOutOfRangeOrNotNumbers) {
  for (const std::string_view json :
       {R"({"speed": 0.49})", R"({"speed": 2.01})", R"({"speed": 0})", R"({"speed": -1})",
        R"({"speed": "fast"})", R"({"speed": true})", R"({"speed": null})"}) {
    const std::string message = config_error(json);
    EXPECT_EQ(message.rfind("speed: expected a number from 0.5 to 2, got ", 0), 0U) << message;
  }
}

TEST(FliteTtsConfig, RefusesPitchesOutOfRangeOrNotNumbers) {
  for (const std::string_view json :
       {R"({"pitch_hz": 49})", R"({"pitch_hz": 401})", R"({"pitch_hz": "high"})", R"({"pitch_hz": false})",
        R"({"pitch_hz": [120]})"}) {
    const std::string message = config_error(json);
    EXPECT_EQ(message.rfind("pitch_hz: expected a number from 50 to 400, got ", 0), 0U) << message;
  }
}

TEST(FliteTtsConfig, RefusesTextThatIsNotAJsonObject) {
  EXPECT_NE(config_error("{voice: rms}").find("not JSON"), std::string::npos);
  EXPECT_NE(config_error(R"(["rms"])").find("must be a JSON object, got array"), std::string::npos);
  EXPECT_NE(config_error("1.0").find("must be a JSON object"), std::string::npos);
}

TEST(FliteTtsConfig, QuotesAHugeBadValueOnlyInPart) {
  const std::string message = config_error(R"({"voice": ")" + std::string(5000, 'x') + "\"}");
  EXPECT_LT(message.size(), 200U);
}

TEST(FliteVoiceKey, SameSettingsSameKeyAndEverySettingChangesIt) {
  const FliteTtsConfig defaults = parsed("");
  EXPECT_EQ(flite_voice_key(defaults), "tts_flite:rms:1:default");
  EXPECT_EQ(flite_voice_key(parsed(R"({"voice": "rms", "speed": 1.0})")), flite_voice_key(defaults));
  EXPECT_EQ(flite_voice_key(parsed(R"({"voice": "slt", "speed": 1.25, "pitch_hz": 180})")),
            "tts_flite:slt:1.25:180");
  EXPECT_NE(flite_voice_key(parsed(R"({"voice": "slt"})")), flite_voice_key(defaults));
  EXPECT_NE(flite_voice_key(parsed(R"({"speed": 1.1})")), flite_voice_key(defaults));
  EXPECT_NE(flite_voice_key(parsed(R"({"pitch_hz": 120})")), flite_voice_key(defaults));
}

}  // namespace
}  // namespace callagent::plugins
