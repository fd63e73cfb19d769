#include "chat_request.h"

#include <nlohmann/json.hpp>

namespace callagent::plugins::openai {
namespace {

using Json = nlohmann::json;

const char* role_name(ChatRole role) noexcept {
  switch (role) {
    case ChatRole::system: return "system";
    case ChatRole::user: return "user";
    case ChatRole::assistant: return "assistant";
    case ChatRole::tool: return "tool";
  }
  return "user";
}

Json message_json(const ChatMessage& message) {
  Json json = {{"role", role_name(message.role)}};
  if (message.role == ChatRole::assistant && !message.tool_calls.empty()) {
    // The API wants content null, not "", on an assistant turn that only called tools.
    json["content"] = message.content.empty() ? Json(nullptr) : Json(message.content);
    Json calls = Json::array();
    for (const ToolCall& call : message.tool_calls) {
      calls.push_back({{"id", call.id},
                       {"type", "function"},
                       {"function", {{"name", call.name}, {"arguments", call.arguments_json}}}});
    }
    json["tool_calls"] = std::move(calls);
    return json;
  }
  if (message.role == ChatRole::tool) json["tool_call_id"] = message.tool_call_id;
  json["content"] = message.content;
  return json;
}

Result<Json> tool_json(const ToolDefinition& tool) {
  Json parameters = Json{{"type", "object"}, {"properties", Json::object()}};
  if (!tool.parameters_json_schema.empty()) {
    parameters = Json::parse(tool.parameters_json_schema, nullptr, /*allow_exceptions=*/false);
    if (parameters.is_discarded() || !parameters.is_object()) {
      return Status(ErrorCode::invalid_argument,
                    "tool " + tool.name + ": parameters_json_schema is not a JSON object");
    }
  }
  Json function = {{"name", tool.name}};
  if (!tool.description.empty()) function["description"] = tool.description;
  function["parameters"] = std::move(parameters);
  return Json{{"type", "function"}, {"function", std::move(function)}};
}

}  // namespace

Result<std::string> build_chat_request_body(const LlmRequest& request, const ChatRequestOptions& options) {
  Json messages = Json::array();
  for (const ChatMessage& message : request.messages) messages.push_back(message_json(message));

  Json body = {{"model", options.model},
               {"messages", std::move(messages)},
               {"temperature", options.temperature},
               {"max_tokens", options.max_tokens},
               {"stream", true}};
  if (options.include_usage) body["stream_options"] = {{"include_usage", true}};
  if (!request.tools.empty()) {
    Json tools = Json::array();
    for (const ToolDefinition& tool : request.tools) {
      Result<Json> json = tool_json(tool);
      if (!json) return json.status();
      tools.push_back(std::move(json).value());
    }
    body["tools"] = std::move(tools);
  }
  // Replace invalid UTF-8 (a cut transcript) rather than throw: the turn still goes out.
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace callagent::plugins::openai
