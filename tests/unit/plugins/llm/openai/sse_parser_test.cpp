// The SSE parser and chunk decoder over the recorded streams of protocols.md §4.3, cut at
// every byte position, fed byte by byte, with \r\n line endings, and at random cuts.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "completion_stream.h"
#include "sse_parser.h"
#include "tools/mock-vendors/openai/recorded_streams.h"

namespace callagent::plugins::openai {
namespace {

namespace recorded = callagent::mock::openai_recorded;

struct Decoded {
  std::string text;
  std::vector<ToolCall> calls;
  FinishReason reason = FinishReason::error;
  LlmUsage usage;
  bool done = false;
  Status error;
  std::size_t events = 0;
};

// Feeds `stream` in the pieces `cuts` marks (ascending byte offsets).
Decoded decode(std::string_view stream, const std::vector<std::size_t>& cuts) {
  SseParser parser;
  CompletionStream completion;
  Decoded decoded;
  std::string text;
  const auto on_event = [&](std::string_view data) {
    ++decoded.events;
    decoded.error = completion.consume(data, text);
    if (!decoded.error) return false;
    decoded.text += text;
    return !completion.done();
  };
  std::size_t from = 0;
  for (const std::size_t cut : cuts) {
    if (!parser.feed(stream.substr(from, cut - from), on_event)) break;
    from = cut;
  }
  parser.feed(stream.substr(std::min(from, stream.size())), on_event);
  decoded.done = completion.done();
  decoded.reason = completion.finish_reason();
  decoded.usage = completion.usage();
  if (auto calls = completion.tool_calls()) decoded.calls = calls.value();
  return decoded;
}

void expect_tool_call_stream(const Decoded& decoded, const std::string& where) {
  ASSERT_TRUE(decoded.error.is_ok()) << where << ": " << decoded.error.message();
  EXPECT_TRUE(decoded.done) << where;
  EXPECT_EQ(decoded.text, "") << where;
  ASSERT_EQ(decoded.calls.size(), 1u) << where;
  EXPECT_EQ(decoded.calls[0].id, "call_4XzlGBLtUe9dy3GVNV4jhq7h") << where;
  EXPECT_EQ(decoded.calls[0].name, "get_weather") << where;
  EXPECT_EQ(decoded.calls[0].arguments_json, "{\"city\":\"New York City\"}") << where;
  EXPECT_EQ(decoded.reason, FinishReason::tool_calls) << where;
  EXPECT_EQ(decoded.usage.prompt_tokens, 44) << where;
  EXPECT_EQ(decoded.usage.completion_tokens, 16) << where;
}

std::string with_crlf(std::string_view stream) {
  std::string converted;
  for (const char byte : stream) {
    if (byte == '\n') converted += '\r';
    converted += byte;
  }
  return converted;
}

TEST(SseRecordedStreams, TextStoppedByMaxTokensAtEverySplitPoint) {
  const std::string_view stream = recorded::kTextMaxTokens;
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    const Decoded decoded = decode(stream, {cut});
    ASSERT_TRUE(decoded.error.is_ok()) << "cut " << cut << ": " << decoded.error.message();
    ASSERT_EQ(decoded.text, "{\"") << "cut " << cut;
    ASSERT_EQ(decoded.reason, FinishReason::length) << "cut " << cut;
    ASSERT_EQ(decoded.usage.prompt_tokens, 79) << "cut " << cut;
    ASSERT_EQ(decoded.usage.completion_tokens, 1) << "cut " << cut;
    ASSERT_TRUE(decoded.done) << "cut " << cut;
    ASSERT_TRUE(decoded.calls.empty());
  }
}

TEST(SseRecordedStreams, PlainTextAtEverySplitPoint) {
  const std::string_view stream = recorded::kTextStop;
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    const Decoded decoded = decode(stream, {cut});
    ASSERT_TRUE(decoded.error.is_ok()) << "cut " << cut;
    ASSERT_EQ(decoded.text, "I'm unable.") << "cut " << cut;
    ASSERT_EQ(decoded.reason, FinishReason::stop) << "cut " << cut;
    ASSERT_EQ(decoded.usage.completion_tokens, 30) << "cut " << cut;
  }
}

TEST(SseRecordedStreams, ToolCallAtEverySplitPoint) {
  const std::string_view stream = recorded::kToolCall;
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    expect_tool_call_stream(decode(stream, {cut}), "cut " + std::to_string(cut));
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(SseRecordedStreams, ToolCallByteByByteWithCrLf) {
  const std::string stream = with_crlf(recorded::kToolCall);
  std::vector<std::size_t> every_byte;
  for (std::size_t at = 1; at < stream.size(); ++at) every_byte.push_back(at);
  expect_tool_call_stream(decode(stream, every_byte), "byte by byte, CRLF");
  // A cut between every \r and its \n, and everywhere else.
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    expect_tool_call_stream(decode(stream, {cut}), "CRLF cut " + std::to_string(cut));
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(SseRecordedStreams, ParallelToolCallsInIndexOrderAtEverySplitPoint) {
  const std::string_view stream = recorded::kParallelToolCalls;
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    const Decoded decoded = decode(stream, {cut});
    ASSERT_TRUE(decoded.error.is_ok()) << "cut " << cut;
    ASSERT_EQ(decoded.calls.size(), 2u) << "cut " << cut;
    ASSERT_EQ(decoded.calls[0].id, "call_JMW1whyEaYG438VE1OIflxA2");
    ASSERT_EQ(decoded.calls[0].name, "GetWeatherArgs");
    ASSERT_EQ(decoded.calls[0].arguments_json, R"({"city": "Edinburgh", "country": "UK", "units": "c"})");
    ASSERT_EQ(decoded.calls[1].id, "call_DNYTawLBoN8fj3KN6qU9N1Ou");
    ASSERT_EQ(decoded.calls[1].name, "get_stock_price");
    ASSERT_EQ(decoded.calls[1].arguments_json, R"({"ticker": "AAPL", "exchange": "NASDAQ"})");
    ASSERT_EQ(decoded.reason, FinishReason::tool_calls);
  }
}

TEST(SseRecordedStreams, RandomThreeWayCuts) {
  std::mt19937 random(7);
  const std::string_view stream = recorded::kToolCall;
  for (int round = 0; round < 300; ++round) {
    std::vector<std::size_t> cuts = {random() % (stream.size() + 1), random() % (stream.size() + 1)};
    std::sort(cuts.begin(), cuts.end());
    expect_tool_call_stream(decode(stream, cuts), "round " + std::to_string(round));
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(SseParser, CommentsFieldsAndMultiLineData) {
  SseParser parser;
  std::vector<std::string> events;
  const auto keep = [&](std::string_view data) {
    events.emplace_back(data);
    return true;
  };
  EXPECT_TRUE(parser.feed(": keep-alive\n\nevent: message\nid: 4\nretry: 10\ndata: a\ndata:b\n\ndata\n\n", keep));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], "a\nb");
  EXPECT_EQ(events[1], "");
}

TEST(SseParser, BareCarriageReturnsEndLines) {
  SseParser parser;
  std::vector<std::string> events;
  parser.feed("data: one\r\rdata: two\r", [&](std::string_view data) {
    events.emplace_back(data);
    return true;
  });
  parser.feed("\r", [&](std::string_view data) {
    events.emplace_back(data);
    return true;
  });
  EXPECT_EQ(events, (std::vector<std::string>{"one", "two"}));
}

TEST(SseParser, NothingAfterDoneIsRead) {
  const std::string stream = std::string(recorded::kTextMaxTokens) + "data: {not json\n\n";
  const Decoded decoded = decode(stream, {});
  EXPECT_TRUE(decoded.error.is_ok()) << decoded.error.message();
  EXPECT_EQ(decoded.events, 5u);
}

TEST(SseParser, MalformedChunkIsAVendorErrorAndStops) {
  const std::string stream = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"choices\":[{\"del\n\n"
                             "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n";
  const Decoded decoded = decode(stream, {});
  EXPECT_EQ(decoded.error.code(), ErrorCode::vendor_error);
  EXPECT_EQ(decoded.text, "a");
  EXPECT_EQ(decoded.events, 2u);
}

}  // namespace
}  // namespace callagent::plugins::openai
