// The config subtree: defaults, refusals that name the key, the voice key, and that the
// api_key never appears in an error.
#include <gtest/gtest.h>

#include "elevenlabs_tts_config.h"

namespace callagent::plugins {
namespace {

TEST(ElevenLabsTtsConfig, DefaultsNeedOnlyTheKey) {
  auto parsed = parse_elevenlabs_tts_config(R"({"api_key": "k"})");
  ASSERT_TRUE(parsed) << parsed.status().message();
  const ElevenLabsTtsConfig& config = parsed.value();
  EXPECT_EQ(config.base_url, "https://api.elevenlabs.io");
  EXPECT_TRUE(config.endpoint.tls);
  EXPECT_EQ(config.endpoint.host, "api.elevenlabs.io");
  EXPECT_EQ(config.endpoint.port, 443);
  EXPECT_EQ(config.voice_id, "EXAVITQu4vr4xnSDxMaL");
  EXPECT_EQ(config.model_id, "eleven_flash_v2_5");
  EXPECT_EQ(config.stability, 0.71);
  EXPECT_EQ(config.similarity_boost, 0.45);
  EXPECT_EQ(config.style, 0.0);
  EXPECT_TRUE(config.use_speaker_boost);
  EXPECT_FALSE(config.speed.has_value());
  EXPECT_EQ(config.optimize_streaming_latency, 3);
  EXPECT_EQ(config.mode, "http");
  EXPECT_EQ(config.connect_timeout_ms, 5000);
  EXPECT_EQ(config.first_audio_timeout_ms, 5000);
  EXPECT_EQ(config.max_retries, 1);
}

TEST(ElevenLabsTtsConfig, ApiKeyIsRequired) {
  auto parsed = parse_elevenlabs_tts_config(R"({"voice_id": "abc"})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.status().code(), ErrorCode::invalid_config);
  EXPECT_EQ(parsed.status().message(), "api_key: required");
}

TEST(ElevenLabsTtsConfig, RefusalsNameTheKey) {
  const struct {
    const char* json;
    const char* prefix;
  } cases[] = {
      {R"({"api_key": "k", "colour": 1})", "colour: unknown key"},
      {R"({"api_key": "k", "stability": 1.5})", "stability: expected a number from 0 to 1"},
      {R"({"api_key": "k", "similarity_boost": true})", "similarity_boost: expected a number"},
      {R"({"api_key": "k", "optimize_streaming_latency": 5})", "optimize_streaming_latency: expected an integer"},
      {R"({"api_key": "k", "mode": "carrier-pigeon"})", "mode: expected \"http\""},
      {R"({"api_key": "k", "base_url": "ftp://x"})", "base_url: expected http(s)://"},
      {R"({"api_key": "k", "base_url": "http://h:99999"})", "base_url: expected"},
      {R"({"api_key": "k", "voice_id": "a/b"})", "voice_id: expected a non-empty id"},
      {R"({"api_key": "k", "max_retries": -1})", "max_retries: expected an integer from 0 to 5"},
      {R"({"api_key": "k", "speed": 2})", "speed: expected a number from 0.7 to 1.2"},
      {R"({"api_key": ""})", "api_key: expected a non-empty string"},
  };
  for (const auto& test : cases) {
    auto parsed = parse_elevenlabs_tts_config(test.json);
    ASSERT_FALSE(parsed) << test.json;
    EXPECT_EQ(parsed.status().code(), ErrorCode::invalid_config);
    EXPECT_EQ(parsed.status().message().rfind(test.prefix, 0), 0u) << parsed.status().message();
  }
}

TEST(ElevenLabsTtsConfig, NotJsonIsRefused) {
  EXPECT_EQ(parse_elevenlabs_tts_config("{nope").status().code(), ErrorCode::invalid_config);
  EXPECT_EQ(parse_elevenlabs_tts_config("[]").status().code(), ErrorCode::invalid_config);
}

TEST(ElevenLabsTtsConfig, ErrorsNeverQuoteTheKey) {
  auto parsed = parse_elevenlabs_tts_config(R"({"api_key": "sk_secret\nvalue"})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.status().message().find("sk_secret"), std::string::npos);
}

TEST(ElevenLabsTtsConfig, WebsocketModeIsAccepted) {
  auto parsed = parse_elevenlabs_tts_config(R"({"api_key": "k", "mode": "websocket"})");
  ASSERT_TRUE(parsed) << parsed.status().message();
  EXPECT_EQ(parsed.value().mode, "websocket");
  EXPECT_EQ(parsed.value().chunk_length_schedule, (std::vector<int>{120, 160, 250, 290}));
  EXPECT_FALSE(parsed.value().inactivity_timeout_s.has_value());
  EXPECT_FALSE(parsed.value().auto_mode.has_value());
}

TEST(ElevenLabsTtsConfig, UnknownModeIsRefusedNamingBoth) {
  auto parsed = parse_elevenlabs_tts_config(R"({"api_key": "k", "mode": "WebSocket"})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.status().code(), ErrorCode::invalid_config);
  EXPECT_EQ(parsed.status().message(), R"(mode: expected "http" or "websocket", got "WebSocket")");
}

TEST(ElevenLabsTtsConfig, WebsocketSettings) {
  auto parsed = parse_elevenlabs_tts_config(
      R"({"api_key": "k", "mode": "websocket", "chunk_length_schedule": [50, 500], "inactivity_timeout": 180,
          "auto_mode": true})");
  ASSERT_TRUE(parsed) << parsed.status().message();
  EXPECT_EQ(parsed.value().chunk_length_schedule, (std::vector<int>{50, 500}));
  EXPECT_EQ(parsed.value().inactivity_timeout_s, 180);
  EXPECT_EQ(parsed.value().auto_mode, true);
  const struct {
    const char* json;
    const char* prefix;
  } refused[] = {
      {R"({"api_key": "k", "chunk_length_schedule": [49]})", "chunk_length_schedule: expected 1 to 8 integers"},
      {R"({"api_key": "k", "chunk_length_schedule": []})", "chunk_length_schedule: expected 1 to 8 integers"},
      {R"({"api_key": "k", "chunk_length_schedule": "120"})", "chunk_length_schedule: expected 1 to 8 integers"},
      {R"({"api_key": "k", "inactivity_timeout": 181})", "inactivity_timeout: expected an integer from 1 to 180"},
      {R"({"api_key": "k", "auto_mode": "yes"})", "auto_mode: expected true or false"},
  };
  for (const auto& test : refused) {
    auto result = parse_elevenlabs_tts_config(test.json);
    ASSERT_FALSE(result) << test.json;
    EXPECT_EQ(result.status().message().rfind(test.prefix, 0), 0u) << result.status().message();
  }
}

TEST(ElevenLabsTtsConfig, BaseUrlSplitsIntoEndpoint) {
  auto parsed = parse_elevenlabs_tts_config(R"({"api_key": "k", "base_url": "http://127.0.0.1:8089/proxy/"})");
  ASSERT_TRUE(parsed) << parsed.status().message();
  EXPECT_FALSE(parsed.value().endpoint.tls);
  EXPECT_EQ(parsed.value().endpoint.host, "127.0.0.1");
  EXPECT_EQ(parsed.value().endpoint.port, 8089);
  EXPECT_EQ(parsed.value().endpoint.path_prefix, "/proxy");
}

TEST(ElevenLabsTtsConfig, VoiceKeyFollowsTheSettings) {
  auto defaults = parse_elevenlabs_tts_config(R"({"api_key": "k"})");
  ASSERT_TRUE(defaults);
  EXPECT_EQ(elevenlabs_voice_key(defaults.value()), "tts_elevenlabs:EXAVITQu4vr4xnSDxMaL:eleven_flash_v2_5:0.71:0.45:0:default");
  auto custom = parse_elevenlabs_tts_config(
      R"({"api_key": "other", "voice_id": "v1", "model_id": "m2", "stability": 0.5, "similarity_boost": 1, "style": 0.25, "speed": 1.1})");
  ASSERT_TRUE(custom);
  EXPECT_EQ(elevenlabs_voice_key(custom.value()), "tts_elevenlabs:v1:m2:0.5:1:0.25:1.1");
}

}  // namespace
}  // namespace callagent::plugins
