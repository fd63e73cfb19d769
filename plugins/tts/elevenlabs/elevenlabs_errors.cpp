#include "elevenlabs_errors.h"

#include <nlohmann/json.hpp>

namespace callagent::plugins {
namespace {

constexpr std::size_t kMaxMessageChars = 300;  // a vendor page must not flood a log line

std::string cut(std::string text) {
  if (text.size() > kMaxMessageChars) {
    text.resize(kMaxMessageChars);
    text += "...";
  }
  return text;
}

// "status: message" from {"detail":{"status","message"}}, or the validation list of a 422,
// or the raw body when it is neither.
std::string detail_text(std::string_view body) {
  const nlohmann::json root = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (root.is_object() && root.contains("detail")) {
    const nlohmann::json& detail = root["detail"];
    if (detail.is_object()) {
      std::string text;
      if (detail.contains("status") && detail["status"].is_string()) text = detail["status"].get<std::string>();
      if (detail.contains("message") && detail["message"].is_string()) {
        text += (text.empty() ? "" : ": ") + detail["message"].get<std::string>();
      }
      if (!text.empty()) return text;
    }
    if (detail.is_array()) {
      std::string text;
      for (const auto& item : detail) {
        if (!text.empty()) text += "; ";
        if (item.is_object() && item.contains("loc") && item["loc"].is_array()) {
          std::string location;
          for (const auto& part : item["loc"]) {
            if (!location.empty()) location += ".";
            location += part.is_string() ? part.get<std::string>() : part.dump();
          }
          text += location + ": ";
        }
        text += item.is_object() && item.contains("msg") && item["msg"].is_string() ? item["msg"].get<std::string>()
                                                                                    : item.dump();
      }
      if (!text.empty()) return text;
    }
    if (detail.is_string()) return detail.get<std::string>();
  }
  return std::string(body);
}

}  // namespace

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "[redacted]");
  }
  return text;
}

VendorFailure elevenlabs_http_failure(int http_status, std::string_view body, std::string_view secret) {
  const std::string detail = cut(redact(detail_text(body), secret));
  const std::string text = "ElevenLabs HTTP " + std::to_string(http_status) + (detail.empty() ? "" : ": " + detail);
  if (http_status == 401 || http_status == 403) return {Status(ErrorCode::unauthenticated, text), false};
  if (http_status == 422 || http_status == 400) return {Status(ErrorCode::invalid_argument, text), false};
  if (http_status == 404) return {Status(ErrorCode::not_found, text), false};
  if (http_status == 429) return {Status(ErrorCode::rate_limited, text), true};
  if (http_status >= 500) return {Status(ErrorCode::unavailable, text), true};
  return {Status(ErrorCode::vendor_error, text), false};
}

}  // namespace callagent::plugins
