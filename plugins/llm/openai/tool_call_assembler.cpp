#include "tool_call_assembler.h"

#include <nlohmann/json.hpp>

namespace callagent::plugins::openai {
Status ToolCallAssembler::add_fragment(const nlohmann::json& fragment) {
  if (!fragment.is_object() || !fragment.contains("index") || !fragment.at("index").is_number_integer()) {
    return Status(ErrorCode::vendor_error, "a tool-call fragment has no integer index");
  }
  ToolCall& call = calls_[fragment.at("index").get<long long>()];
  // A null member counts as absent: some compatible servers send "id": null on later fragments.
  auto take = [](const nlohmann::json& object, const char* key, std::string& into, bool append) -> bool {
    if (!object.contains(key) || object.at(key).is_null()) return true;
    if (!object.at(key).is_string()) return false;
    if (append) {
      into += object.at(key).get_ref<const std::string&>();
    } else if (into.empty()) {
      into = object.at(key).get<std::string>();  // the first fragment names it; later repeats change nothing
    }
    return true;
  };
  if (!take(fragment, "id", call.id, false)) {
    return Status(ErrorCode::vendor_error, "a tool-call fragment has a non-string id");
  }
  if (fragment.contains("function") && !fragment.at("function").is_null()) {
    const nlohmann::json& function = fragment.at("function");
    if (!function.is_object() || !take(function, "name", call.name, false) ||
        !take(function, "arguments", call.arguments_json, true)) {
      return Status(ErrorCode::vendor_error, "a tool-call fragment has a malformed function");
    }
  }
  return Status::ok();
}

Result<std::vector<ToolCall>> ToolCallAssembler::finish() const {
  std::vector<ToolCall> calls;
  calls.reserve(calls_.size());
  for (const auto& [index, call] : calls_) {
    if (call.name.empty()) {
      return Status(ErrorCode::vendor_error,
                    "tool call at index " + std::to_string(index) + " has no function name");
    }
    calls.push_back(call);
    // A call with no arguments at all is sent as "{}" so the host always gets an object.
    if (calls.back().arguments_json.empty()) calls.back().arguments_json = "{}";
  }
  return calls;
}

}  // namespace callagent::plugins::openai
