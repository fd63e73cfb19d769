// The request body, compared as JSON with what protocols.md §4.1 specifies.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat_request.h"

namespace callagent::plugins::openai {
namespace {

using Json = nlohmann::json;

LlmRequest full_history() {
  LlmRequest request;
  request.request_id = 7;
  request.messages.push_back({ChatRole::system, "You are a receptionist.", {}, {}});
  request.messages.push_back({ChatRole::user, "What's the weather in NYC?", {}, {}});
  ChatMessage assistant{ChatRole::assistant, "", {}, {}};
  assistant.tool_calls.push_back({"call_4XzlGBLtUe9dy3GVNV4jhq7h", "get_weather", R"({"city":"New York City"})"});
  request.messages.push_back(assistant);
  request.messages.push_back({ChatRole::tool, R"({"temperature_c":21})", {}, "call_4XzlGBLtUe9dy3GVNV4jhq7h"});
  request.tools.push_back({"get_weather", "Get the weather for a city",
                           R"({"type":"object","properties":{"city":{"type":"string"}}})"});
  return request;
}

TEST(ChatRequest, HistoryWithToolsIsExactlyTheSpecifiedBody) {
  const Result<std::string> body = build_chat_request_body(full_history(), {"gpt-4o-mini", 0.7, 256, true});
  ASSERT_TRUE(body.is_ok()) << body.status().message();
  const Json expected = Json::parse(R"({
    "model": "gpt-4o-mini",
    "messages": [
      {"role": "system", "content": "You are a receptionist."},
      {"role": "user", "content": "What's the weather in NYC?"},
      {"role": "assistant", "content": null, "tool_calls": [
        {"id": "call_4XzlGBLtUe9dy3GVNV4jhq7h", "type": "function",
         "function": {"name": "get_weather", "arguments": "{\"city\":\"New York City\"}"}}]},
      {"role": "tool", "tool_call_id": "call_4XzlGBLtUe9dy3GVNV4jhq7h", "content": "{\"temperature_c\":21}"}
    ],
    "temperature": 0.7,
    "max_tokens": 256,
    "stream": true,
    "stream_options": {"include_usage": true},
    "tools": [{"type": "function", "function": {
      "name": "get_weather", "description": "Get the weather for a city",
      "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
  })");
  EXPECT_EQ(Json::parse(body.value()), expected) << body.value();
}

TEST(ChatRequest, NoToolsKeyWithoutToolsAndNoStreamOptionsWhenUsageIsOff) {
  LlmRequest request;
  request.messages.push_back({ChatRole::user, "Hello!", {}, {}});
  const Result<std::string> body = build_chat_request_body(request, {"llama3", 0.0, 64, false});
  ASSERT_TRUE(body.is_ok());
  const Json json = Json::parse(body.value());
  EXPECT_FALSE(json.contains("tools"));
  EXPECT_FALSE(json.contains("stream_options"));
  EXPECT_EQ(json.at("model"), "llama3");
  EXPECT_EQ(json.at("max_tokens"), 64);
  EXPECT_EQ(json.at("stream"), true);
}

TEST(ChatRequest, ABrokenToolSchemaIsAnInvalidArgument) {
  LlmRequest request = full_history();
  request.tools[0].parameters_json_schema = "{not json";
  EXPECT_EQ(build_chat_request_body(request, {"m", 0.7, 1, true}).status().code(), ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace callagent::plugins::openai
