// Chunk decoding details the recorded streams do not cover: errors, finish reasons,
// usage without details, and tool-call fragments that never got a name.
#include <gtest/gtest.h>

#include <string>

#include "completion_stream.h"

namespace callagent::plugins::openai {
namespace {

TEST(CompletionStream, AnErrorObjectMidStreamIsAVendorErrorWithItsMessage) {
  CompletionStream stream;
  std::string text;
  const Status status = stream.consume(R"({"error":{"message":"The server is overloaded","type":"server_error"}})", text);
  EXPECT_EQ(status.code(), ErrorCode::vendor_error);
  EXPECT_NE(status.message().find("The server is overloaded"), std::string::npos);
}

TEST(CompletionStream, RejectsChunksOfTheWrongShape) {
  std::string text;
  for (const char* data : {"{", "[1]", R"({"choices":{}})", R"({"choices":[{"delta":{"content":5}}]})",
                           R"({"choices":[{"delta":{"tool_calls":[{"function":{"name":"x"}}]}}]})"}) {
    CompletionStream stream;
    EXPECT_EQ(stream.consume(data, text).code(), ErrorCode::vendor_error) << data;
  }
}

TEST(CompletionStream, MapsFinishReasons) {
  EXPECT_EQ(parse_finish_reason("stop"), FinishReason::stop);
  EXPECT_EQ(parse_finish_reason("length"), FinishReason::length);
  EXPECT_EQ(parse_finish_reason("tool_calls"), FinishReason::tool_calls);
  EXPECT_EQ(parse_finish_reason("function_call"), FinishReason::tool_calls);
  EXPECT_EQ(parse_finish_reason("content_filter"), FinishReason::content_filter);
  EXPECT_EQ(parse_finish_reason("something_new"), FinishReason::stop);
}

TEST(CompletionStream, ReadsUsageWithoutDetailsAndIgnoresObfuscation) {
  CompletionStream stream;
  std::string text;
  ASSERT_TRUE(stream.consume(R"({"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"obfuscation":"r4N7vQ2m"})", text));
  EXPECT_EQ(text, "Hi");
  ASSERT_TRUE(stream.consume(R"({"choices":[],"usage":{"prompt_tokens":17,"completion_tokens":10,"total_tokens":27}})", text));
  EXPECT_EQ(text, "");
  EXPECT_EQ(stream.usage().prompt_tokens, 17);
  EXPECT_EQ(stream.usage().completion_tokens, 10);
  EXPECT_FALSE(stream.finished());
}

TEST(CompletionStream, ToolCallWithoutANameIsAVendorError) {
  CompletionStream stream;
  std::string text;
  ASSERT_TRUE(stream.consume(R"({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}}]})", text));
  EXPECT_EQ(stream.tool_calls().status().code(), ErrorCode::vendor_error);
}

}  // namespace
}  // namespace callagent::plugins::openai
