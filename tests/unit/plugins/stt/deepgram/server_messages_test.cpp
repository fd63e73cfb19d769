// The recorded Deepgram payloads (protocols.md §3.3) mapped to plugin-api values.
#include <gtest/gtest.h>

#include "deepgram_fixtures.h"
#include "plugins/stt/deepgram/server_messages.h"

namespace callagent::plugins::deepgram {
namespace {

using Kind = ServerMessage::Kind;

void expect_word(const SttWord& word, const char* text, std::int64_t start_ms, std::int64_t end_ms) {
  EXPECT_EQ(word.text, text);
  EXPECT_EQ(word.start_ms, start_ms);
  EXPECT_EQ(word.end_ms, end_ms);
}

TEST(ServerMessages, RecordedFinalResult) {
  const ServerMessage message = parse_server_message(testing::kTestingResults, 0);
  ASSERT_EQ(message.kind, Kind::results);
  const SttResult& result = message.result;
  EXPECT_EQ(result.transcript, "Testing. 123. Testing. 123.");
  EXPECT_FLOAT_EQ(result.confidence, 0.987885F);
  EXPECT_TRUE(result.is_final);
  EXPECT_TRUE(result.speech_final);
  EXPECT_EQ(result.start_ms, 740);
  EXPECT_EQ(result.duration_ms, 3080);
  ASSERT_EQ(result.words.size(), 4U);
  expect_word(result.words[0], "Testing.", 1220, 1620);
  expect_word(result.words[1], "123.", 1620, 2120);
  expect_word(result.words[2], "Testing.", 2180, 2680);
  expect_word(result.words[3], "123.", 3140, 3640);
  EXPECT_FLOAT_EQ(result.words[0].confidence, 0.483064F);
}

TEST(ServerMessages, OffsetMovesEveryTimeOntoTheCallTimeline) {
  const ServerMessage message = parse_server_message(testing::kTestingResults, 10'000);
  EXPECT_EQ(message.result.start_ms, 10'740);
  EXPECT_EQ(message.result.duration_ms, 3080);
  EXPECT_EQ(message.result.words[3].end_ms, 13'640);
  EXPECT_EQ(parse_server_message(testing::kUtteranceEnd, 1000).time_ms, 3395);
  EXPECT_EQ(parse_server_message(testing::kSpeechStarted, 1000).time_ms, 10'540);
}

TEST(ServerMessages, InterimWithoutTypeOrPunctuation) {
  const ServerMessage message = parse_server_message(testing::kInterim, 0);
  ASSERT_EQ(message.kind, Kind::results);
  EXPECT_FALSE(message.result.is_final);
  EXPECT_FALSE(message.result.speech_final);
  EXPECT_EQ(message.result.transcript, "another big");
  EXPECT_EQ(message.result.duration_ms, 1040);
  ASSERT_EQ(message.result.words.size(), 2U);
  expect_word(message.result.words[0], "another", 297, 797);
  expect_word(message.result.words[1], "big", 852, 1040);
}

TEST(ServerMessages, EmptyFinalIsStillReported) {
  const ServerMessage message = parse_server_message(testing::kEmptyFinal, 0);
  ASSERT_EQ(message.kind, Kind::results);
  EXPECT_EQ(message.result.transcript, "");
  EXPECT_TRUE(message.result.speech_final);
  EXPECT_EQ(message.result.duration_ms, 740);
}

TEST(ServerMessages, OtherTypes) {
  EXPECT_EQ(parse_server_message(testing::kUtteranceEnd, 0).kind, Kind::utterance_end);
  EXPECT_EQ(parse_server_message(testing::kUtteranceEnd, 0).time_ms, 2395);
  EXPECT_EQ(parse_server_message(testing::kSpeechStarted, 0).time_ms, 9540);
  EXPECT_EQ(parse_server_message(testing::kMetadata, 0).kind, Kind::metadata);
  EXPECT_EQ(parse_server_message(R"({"type":"Warning"})", 0).kind, Kind::unknown);
  EXPECT_EQ(parse_server_message("not json", 0).kind, Kind::malformed);
  EXPECT_EQ(parse_server_message(R"({"type":"Results","channel":{}})", 0).kind, Kind::malformed);
  EXPECT_EQ(parse_server_message("[]", 0).kind, Kind::malformed);
}

}  // namespace
}  // namespace callagent::plugins::deepgram
