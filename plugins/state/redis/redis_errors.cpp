#include "redis_errors.h"

namespace callagent::plugins::redis {
namespace {

std::string_view first_word(std::string_view text) noexcept {
  return text.substr(0, text.find(' '));
}

}  // namespace

bool is_auth_error(std::string_view error_reply) noexcept {
  const std::string_view word = first_word(error_reply);
  return word == "NOAUTH" || word == "WRONGPASS" ||
         error_reply.find("invalid password") != std::string_view::npos;
}

std::string scrub(std::string_view text, std::string_view secret) {
  std::string scrubbed(text);
  if (secret.empty()) return scrubbed;
  for (auto position = scrubbed.find(secret); position != std::string::npos;
       position = scrubbed.find(secret, position + 3)) {
    scrubbed.replace(position, secret.size(), "***");
  }
  return scrubbed;
}

Status status_for_error_reply(std::string_view command, std::string_view error_reply,
                              std::string_view endpoint, std::string_view password) {
  const std::string server_text = scrub(error_reply, password);
  const std::string where = "redis at " + std::string(endpoint);
  if (is_auth_error(error_reply)) {
    if (first_word(error_reply) == "NOAUTH" && password.empty()) {
      return Status(ErrorCode::unauthenticated,
                    where + " requires a password and none is configured (set `password`): " +
                        server_text);
    }
    return Status(ErrorCode::unauthenticated,
                  where + " refused the configured `password`: " + server_text);
  }
  const std::string_view word = first_word(error_reply);
  if (word == "LOADING" || word == "MASTERDOWN" || word == "READONLY" || word == "TRYAGAIN" ||
      word == "BUSY") {
    return Status(ErrorCode::unavailable,
                  where + " cannot serve " + std::string(command) + " now: " + server_text);
  }
  return Status(ErrorCode::vendor_error,
                where + " refused " + std::string(command) + ": " + server_text);
}

}  // namespace callagent::plugins::redis
