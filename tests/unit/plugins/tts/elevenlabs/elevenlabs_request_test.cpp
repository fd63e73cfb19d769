// The request bytes, compared exactly with what protocols.md §5.1 asks for.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "elevenlabs_request.h"

namespace callagent::plugins {
namespace {

ElevenLabsTtsConfig config_from(const char* json) {
  auto parsed = parse_elevenlabs_tts_config(json);
  EXPECT_TRUE(parsed) << parsed.status().message();
  return parsed.value();
}

TEST(ElevenLabsRequest, TargetCarriesVoiceFormatAndLatency) {
  const auto config = config_from(R"({"api_key": "k", "voice_id": "voice9", "optimize_streaming_latency": 2})");
  EXPECT_EQ(elevenlabs_stream_target(config),
            "/v1/text-to-speech/voice9/stream?output_format=ulaw_8000&optimize_streaming_latency=2");
}

TEST(ElevenLabsRequest, BodyHasTextModelAndVoiceSettings) {
  const auto config = config_from(R"({"api_key": "k"})");
  EXPECT_EQ(elevenlabs_stream_body(config, "Hello \"there\""),
            R"({"model_id":"eleven_flash_v2_5","text":"Hello \"there\"","voice_settings":)"
            R"({"similarity_boost":0.45,"stability":0.71,"style":0.0,"use_speaker_boost":true}})");
  const auto with_speed = config_from(R"({"api_key": "k", "speed": 1.1})");
  EXPECT_EQ(nlohmann::json::parse(elevenlabs_stream_body(with_speed, "x"))["voice_settings"]["speed"], 1.1);
}

TEST(ElevenLabsRequest, FullRequestHasHeadersAndLength) {
  const auto config = config_from(R"({"api_key": "sk_abc", "base_url": "http://localhost:8080/p"})");
  const std::string body = elevenlabs_stream_body(config, "Hi");
  EXPECT_EQ(elevenlabs_stream_request(config, "Hi"),
            "POST /p/v1/text-to-speech/EXAVITQu4vr4xnSDxMaL/stream?output_format=ulaw_8000&optimize_streaming_latency=3 "
            "HTTP/1.1\r\n"
            "Host: localhost:8080\r\n"
            "xi-api-key: sk_abc\r\n"
            "Content-Type: application/json\r\n"
            "Accept: */*\r\n"
            "Connection: keep-alive\r\n"
            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

}  // namespace
}  // namespace callagent::plugins
