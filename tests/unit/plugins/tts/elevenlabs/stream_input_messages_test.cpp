// The stream-input wire format (protocols.md §5.2): the target and the client's messages
// byte for byte, and the recorded server payloads parsed verbatim, including both spellings
// of the duration key and isFinal as false, null and true.
#include <gtest/gtest.h>

#include <string>

#include "elevenlabs_tts_config.h"
#include "stream_input_messages.h"

namespace callagent::plugins {
namespace {

ElevenLabsTtsConfig config_from(const std::string& json) {
  auto parsed = parse_elevenlabs_tts_config(json);
  EXPECT_TRUE(parsed) << parsed.status().message();
  return parsed ? parsed.value() : ElevenLabsTtsConfig{};
}

TEST(StreamInputMessages, TargetCarriesModelFormatAndAlignment) {
  EXPECT_EQ(stream_input_target(config_from(R"({"api_key": "k", "mode": "websocket"})")),
            "/v1/text-to-speech/EXAVITQu4vr4xnSDxMaL/stream-input?model_id=eleven_flash_v2_5"
            "&output_format=ulaw_8000&sync_alignment=true");
  EXPECT_EQ(stream_input_target(config_from(
                R"({"api_key": "k", "base_url": "http://h:1/px/", "voice_id": "v", "model_id": "m",
                    "inactivity_timeout": 60, "auto_mode": true})")),
            "/px/v1/text-to-speech/v/stream-input?model_id=m&output_format=ulaw_8000&sync_alignment=true"
            "&inactivity_timeout=60&auto_mode=true");
}

TEST(StreamInputMessages, InitializeConnectionIsASpaceWithSettingsAndSchedule) {
  EXPECT_EQ(initialize_connection_message(config_from(R"({"api_key": "k"})")),
            R"({"text":" ","voice_settings":{"stability":0.71,"similarity_boost":0.45,"style":0.0,)"
            R"("use_speaker_boost":true},"generation_config":{"chunk_length_schedule":[120,160,250,290]}})");
  EXPECT_EQ(initialize_connection_message(config_from(
                R"({"api_key": "k", "stability": 0.5, "similarity_boost": 0.8, "use_speaker_boost": false,
                    "speed": 1.1, "chunk_length_schedule": [50, 120]})")),
            R"({"text":" ","voice_settings":{"stability":0.5,"similarity_boost":0.8,"style":0.0,)"
            R"("use_speaker_boost":false,"speed":1.1},"generation_config":{"chunk_length_schedule":[50,120]}})");
}

TEST(StreamInputMessages, InitializeConnectionNeverCarriesTheKey) {
  // The key goes in the header only.
  EXPECT_EQ(initialize_connection_message(config_from(R"({"api_key": "sk_secret"})")).find("sk_secret"),
            std::string::npos);
}

TEST(StreamInputMessages, TextPiecesEndWithASpace) {
  EXPECT_EQ(send_text_message("Hello World", false), R"({"text":"Hello World ","try_trigger_generation":true})");
  EXPECT_EQ(send_text_message("Hello World ", false), R"({"text":"Hello World ","try_trigger_generation":true})");
  // The spec's own flush example, byte for byte.
  EXPECT_EQ(send_text_message("Generate this audio immediately.", true),
            R"({"text":"Generate this audio immediately. ","flush":true})");
  EXPECT_EQ(send_text_message("He said \"hi\"\n", false), R"({"text":"He said \"hi\"\n","try_trigger_generation":true})");
}

TEST(StreamInputMessages, CloseIsAnEmptyText) { EXPECT_EQ(close_connection_message(), R"({"text":""})"); }

TEST(StreamInputMessages, ParsesTheAsyncApiExampleVerbatim) {
  const auto message = parse_stream_input_message(R"({
  "audio": "Y3VyaW91cyBtaW5kcyB0aGluayBhbGlrZSA6KQ==",
  "isFinal": false,
  "normalizedAlignment": {
    "charStartTimesMs": [0, 3, 7, 9, 11, 12, 13, 15, 17, 19, 21],
    "charsDurationsMs": [3, 4, 2, 2, 1, 1, 2, 2, 2, 2, 3],
    "chars": ["H", "e", "l", "l", "o", " ", "w", "o", "r", "l", "d"]
  },
  "alignment": {
    "charStartTimesMs": [0, 3, 7, 9, 11, 12, 13, 15, 17, 19, 21],
    "charsDurationsMs": [3, 4, 2, 2, 1, 1, 2, 2, 2, 2, 3],
    "chars": ["H", "e", "l", "l", "o", " ", "w", "o", "r", "l", "d"]
  }
})");
  ASSERT_EQ(message.kind, StreamInputMessage::Kind::audio);
  EXPECT_EQ(std::string(message.audio.begin(), message.audio.end()), "curious minds think alike :)");
  EXPECT_FALSE(message.is_final);
  ASSERT_TRUE(message.alignment.has_value());
  EXPECT_EQ(message.alignment->chars.size(), 11u);
  EXPECT_EQ(message.alignment->chars[6], "w");
  EXPECT_EQ(message.alignment->start_ms[10], 21);
  EXPECT_EQ(message.alignment->duration_ms, (std::vector<std::int64_t>{3, 4, 2, 2, 1, 1, 2, 2, 2, 2, 3}));
}

TEST(StreamInputMessages, ParsesTheObservedMessageVerbatim) {
  // charDurationsMs and "isFinal":null; "xxxxxxx" is the capture's own placeholder, which
  // reads as unpadded base64 (5 bytes).
  const auto message = parse_stream_input_message(
      R"({"audio":"xxxxxxx","isFinal":null,"normalizedAlignment":{"chars":[" ","H","e","l","l","o"," ","W","o","r","l","d"," "],"charStartTimesMs":[0,70,104,174,209,255,313,372,406,464,522,592,662],"charDurationsMs":[70,34,70,35,46,58,59,34,58,58,70,70,360]},"alignment":{"chars":["H","e","l","l","o"," ","W","o","r","l","d"," "],"charStartTimesMs":[0,104,174,209,255,313,372,406,464,522,592,662],"charDurationsMs":[104,70,35,46,58,59,34,58,58,70,70,360]}})");
  ASSERT_EQ(message.kind, StreamInputMessage::Kind::audio);
  EXPECT_EQ(message.audio.size(), 5u);
  EXPECT_FALSE(message.is_final);
  ASSERT_TRUE(message.alignment.has_value());
  // "alignment" (the text as sent), not "normalizedAlignment" (which starts with a space).
  EXPECT_EQ(message.alignment->chars.front(), "H");
  EXPECT_EQ(message.alignment->chars.size(), 12u);
  EXPECT_EQ(message.alignment->duration_ms.front(), 104);
  EXPECT_EQ(message.alignment->duration_ms.back(), 360);
}

TEST(StreamInputMessages, ParsesTheFinalMessage) {
  const auto observed = parse_stream_input_message(R"({"audio":null,"isFinal":true,"normalizedAlignment":null,"alignment":null})");
  EXPECT_EQ(observed.kind, StreamInputMessage::Kind::audio);
  EXPECT_TRUE(observed.is_final);
  EXPECT_TRUE(observed.audio.empty());
  EXPECT_FALSE(observed.alignment.has_value());
  // The spec's FinalOutput, without an audio field at all.
  const auto spec = parse_stream_input_message(R"({"isFinal": true})");
  EXPECT_EQ(spec.kind, StreamInputMessage::Kind::audio);
  EXPECT_TRUE(spec.is_final);
}

TEST(StreamInputMessages, FallsBackToNormalizedAlignment) {
  const auto message = parse_stream_input_message(
      R"({"audio":"AAAA","alignment":null,"normalizedAlignment":{"chars":["a"],"charStartTimesMs":[0],"charDurationsMs":[5]}})");
  ASSERT_TRUE(message.alignment.has_value());
  EXPECT_EQ(message.alignment->chars, std::vector<std::string>{"a"});
  EXPECT_EQ(message.audio, (std::vector<std::uint8_t>{0, 0, 0}));
}

TEST(StreamInputMessages, InconsistentAlignmentIsDroppedButAudioKept) {
  const auto message = parse_stream_input_message(
      R"({"audio":"AAAA","alignment":{"chars":["a","b"],"charStartTimesMs":[0],"charDurationsMs":[5,5]}})");
  EXPECT_EQ(message.kind, StreamInputMessage::Kind::audio);
  EXPECT_EQ(message.audio.size(), 3u);
  EXPECT_FALSE(message.alignment.has_value());
}

TEST(StreamInputMessages, ErrorMessagesKeepTheirText) {
  const auto both = parse_stream_input_message(R"({"message":"Invalid API key","error":"invalid_api_key"})");
  EXPECT_EQ(both.kind, StreamInputMessage::Kind::error);
  EXPECT_EQ(both.error_text, "invalid_api_key: Invalid API key");
  const auto message_only = parse_stream_input_message(R"({"message":"Input timeout exceeded"})");
  EXPECT_EQ(message_only.kind, StreamInputMessage::Kind::error);
  EXPECT_EQ(message_only.error_text, "Input timeout exceeded");
}

TEST(StreamInputMessages, MalformedAndUnknownMessages) {
  EXPECT_EQ(parse_stream_input_message("not json").kind, StreamInputMessage::Kind::malformed);
  EXPECT_EQ(parse_stream_input_message(R"({"audio":"#not base64#"})").kind, StreamInputMessage::Kind::malformed);
  EXPECT_EQ(parse_stream_input_message(R"({"something":"else"})").kind, StreamInputMessage::Kind::other);
  EXPECT_EQ(parse_stream_input_message("[1,2]").kind, StreamInputMessage::Kind::other);
}

}  // namespace
}  // namespace callagent::plugins
