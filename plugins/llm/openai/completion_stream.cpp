#include "completion_stream.h"

#include <nlohmann/json.hpp>

namespace callagent::plugins::openai {
namespace {

using Json = nlohmann::json;

Status malformed(std::string_view what) {
  return Status(ErrorCode::vendor_error, "malformed chunk from the model server: " + std::string(what));
}

std::int64_t read_count(const Json& usage, const char* key) {
  if (!usage.contains(key) || !usage.at(key).is_number_integer()) return -1;
  return usage.at(key).get<std::int64_t>();
}

}  // namespace

FinishReason parse_finish_reason(std::string_view reason) noexcept {
  if (reason == "length") return FinishReason::length;
  if (reason == "tool_calls" || reason == "function_call") return FinishReason::tool_calls;
  if (reason == "content_filter") return FinishReason::content_filter;
  return FinishReason::stop;
}

Status CompletionStream::consume(std::string_view data, std::string& text_out) {
  text_out.clear();
  // The SDK stops at data that starts with [DONE]; so do we.
  if (data.substr(0, 6) == "[DONE]") {
    done_ = true;
    return Status::ok();
  }
  const Json chunk = Json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (chunk.is_discarded()) return malformed("not valid JSON");
  if (!chunk.is_object()) return malformed("not a JSON object");
  if (chunk.contains("error") && !chunk.at("error").is_null()) {
    // How errors that happen mid-stream arrive (protocols.md §4.2).
    const Json& error = chunk.at("error");
    std::string message = "the model server reported an error mid-stream";
    if (error.is_object() && error.contains("message") && error.at("message").is_string()) {
      message += ": " + error.at("message").get<std::string>();
    }
    return Status(ErrorCode::vendor_error, message);
  }

  if (chunk.contains("usage") && chunk.at("usage").is_object()) {
    const Json& usage = chunk.at("usage");
    usage_.prompt_tokens = read_count(usage, "prompt_tokens");
    usage_.completion_tokens = read_count(usage, "completion_tokens");
  }

  if (!chunk.contains("choices")) return Status::ok();  // e.g. a usage-only chunk of some servers
  const Json& choices = chunk.at("choices");
  if (!choices.is_array()) return malformed("choices is not an array");
  if (choices.empty()) return Status::ok();  // the usage chunk
  // We ask for one choice (no "n"), so only choices[0] is read.
  const Json& choice = choices.front();
  if (!choice.is_object()) return malformed("a choice is not an object");

  if (choice.contains("delta") && !choice.at("delta").is_null()) {
    const Json& delta = choice.at("delta");
    if (!delta.is_object()) return malformed("delta is not an object");
    if (delta.contains("content") && !delta.at("content").is_null()) {
      if (!delta.at("content").is_string()) return malformed("delta.content is not a string");
      text_out = delta.at("content").get<std::string>();
    }
    if (delta.contains("tool_calls") && !delta.at("tool_calls").is_null()) {
      const Json& fragments = delta.at("tool_calls");
      if (!fragments.is_array()) return malformed("delta.tool_calls is not an array");
      for (const Json& fragment : fragments) {
        if (Status status = tool_calls_.add_fragment(fragment); !status) return status;
      }
    }
  }
  if (choice.contains("finish_reason") && !choice.at("finish_reason").is_null()) {
    if (!choice.at("finish_reason").is_string()) return malformed("finish_reason is not a string");
    finish_reason_ = parse_finish_reason(choice.at("finish_reason").get_ref<const std::string&>());
  }
  return Status::ok();
}

}  // namespace callagent::plugins::openai
