#include "error_body.h"

#include <nlohmann/json.hpp>

namespace callagent::plugins::openai {

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 4)) {
      text.replace(at, secret.size(), "****");
    }
  }
  return text;
}

std::string error_message_from_body(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object() && json.contains("error")) {
    const auto& error = json.at("error");
    if (error.is_object() && error.contains("message") && error.at("message").is_string()) {
      return error.at("message").get<std::string>();
    }
    if (error.is_string()) return error.get<std::string>();  // Ollama: {"error":"model not found"}
  }
  constexpr std::size_t kMaxChars = 300;
  std::string text(body.substr(0, kMaxChars));
  if (body.size() > kMaxChars) text += "…";
  return text.empty() ? std::string("(empty body)") : text;
}

Status status_for_http_error(int http_status, const std::string& message) {
  const std::string prefix = "model server answered HTTP " + std::to_string(http_status) + ": ";
  if (http_status == 401 || http_status == 403) return Status(ErrorCode::unauthenticated, prefix + message);
  if (http_status == 429) return Status(ErrorCode::rate_limited, prefix + message);
  if (http_status >= 500) return Status(ErrorCode::unavailable, prefix + message);
  if (http_status >= 400) return Status(ErrorCode::invalid_argument, prefix + message);
  return Status(ErrorCode::vendor_error, prefix + message);
}

}  // namespace callagent::plugins::openai
