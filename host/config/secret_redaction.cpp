#include "host/config/secret_redaction.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace callagent::config {

bool is_secret_key(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char character) { return static_cast<char>(std::tolower(character)); });
  static constexpr std::array<std::string_view, 8> kSecretSuffixes = {
      "key", "token", "secret", "password", "passwd", "authorization", "credential", "credentials"};
  return std::any_of(kSecretSuffixes.begin(), kSecretSuffixes.end(),
                     [&](std::string_view suffix) { return lower.ends_with(suffix); });
}

nlohmann::json redact_secrets(const nlohmann::json& value) {
  if (value.is_array()) {
    nlohmann::json copy = nlohmann::json::array();
    for (const auto& item : value) copy.push_back(redact_secrets(item));
    return copy;
  }
  if (!value.is_object()) return value;
  nlohmann::json copy = nlohmann::json::object();
  for (const auto& [key, child] : value.items()) {
    const bool hide = is_secret_key(key) && !(child.is_string() && child.get<std::string>().empty()) &&
                      !child.is_null();
    copy[key] = hide ? nlohmann::json("***") : redact_secrets(child);
  }
  return copy;
}

}  // namespace callagent::config
