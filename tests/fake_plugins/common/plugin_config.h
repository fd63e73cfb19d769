// Reading a fake plugin's config subtree: the same "key: message" errors, with
// ErrorCode::invalid_config, that the host prefixes with the entry's path
// ("providers.stt.config.endpointing_ms: expected an integer >= 0").
//
// Each reader leaves `value` untouched when the key is absent, so callers preset defaults.
// Threading: pure functions. nlohmann/json stays inside each plugin's .so (hidden visibility).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "callagent/plugin_api/status.h"

namespace callagent::fake_plugins {

namespace config_detail {
// A bad value is quoted in its error, cut so a huge subtree cannot flood a log line.
inline constexpr std::size_t kMaxQuotedChars = 60;

inline std::string quote(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > kMaxQuotedChars) {
    text.resize(kMaxQuotedChars);
    text += "...";
  }
  return text;
}
}  // namespace config_detail

inline Status config_error(std::string_view key, std::string_view message) {
  return Status(ErrorCode::invalid_config, std::string(key) + ": " + std::string(message));
}

// Parses `config_json` into `root`, which must be an object holding only `known_keys`.
// Empty text means "all defaults" (an empty object).
inline Status parse_config_object(std::string_view config_json,
                                  std::initializer_list<std::string_view> known_keys,
                                  nlohmann::json& root) {
  if (config_json.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    root = nlohmann::json::object();
    return Status::ok();
  }
  root = nlohmann::json::parse(config_json.begin(), config_json.end(), nullptr,
                               /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return Status(ErrorCode::invalid_config, "config must be a JSON object; this text is not JSON");
  }
  if (!root.is_object()) {
    return Status(ErrorCode::invalid_config,
                  std::string("config must be a JSON object, got ") + root.type_name());
  }
  // nlohmann keeps keys sorted, so with several unknown keys the one named is stable.
  for (const auto& item : root.items()) {
    bool known = false;
    std::string known_list;
    for (const std::string_view candidate : known_keys) {
      known = known || item.key() == candidate;
      if (!known_list.empty()) known_list += ", ";
      known_list += candidate;
    }
    if (!known) return config_error(item.key(), "unknown key (known: " + known_list + ")");
  }
  return Status::ok();
}

inline Status read_config_integer(const nlohmann::json& root, std::string_view key,
                                  std::int64_t minimum, std::int64_t maximum, std::int64_t& value) {
  const auto found = root.find(key);
  if (found == root.end()) return Status::ok();
  const std::string expected =
      "expected an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum);
  // Parsed JSON holds non-negative integers as unsigned: check the range before converting.
  if (found->is_number_unsigned()) {
    const auto number = found->get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(maximum) ||
        static_cast<std::int64_t>(number) < minimum) {
      return config_error(key, expected + ", got " + config_detail::quote(*found));
    }
    value = static_cast<std::int64_t>(number);
    return Status::ok();
  }
  if (found->is_number_integer()) {
    const auto number = found->get<std::int64_t>();
    if (number < minimum || number > maximum) {
      return config_error(key, expected + ", got " + config_detail::quote(*found));
    }
    value = number;
    return Status::ok();
  }
  return config_error(key, expected + ", got " + config_detail::quote(*found));
}

inline Status read_config_bool(const nlohmann::json& root, std::string_view key, bool& value) {
  const auto found = root.find(key);
  if (found == root.end()) return Status::ok();
  if (!found->is_boolean()) {
    return config_error(key, "expected true or false, got " + config_detail::quote(*found));
  }
  value = found->get<bool>();
  return Status::ok();
}

inline Status read_config_string(const nlohmann::json& root, std::string_view key,
                                 std::string& value) {
  const auto found = root.find(key);
  if (found == root.end()) return Status::ok();
  if (!found->is_string()) {
    return config_error(key, "expected a string, got " + config_detail::quote(*found));
  }
  value = found->get<std::string>();
  return Status::ok();
}

// An array of strings; with `require_non_empty`, an empty array is refused too.
inline Status read_config_string_list(const nlohmann::json& root, std::string_view key,
                                      bool require_non_empty, std::vector<std::string>& value) {
  const auto found = root.find(key);
  if (found == root.end()) return Status::ok();
  if (!found->is_array()) {
    return config_error(key, "expected an array of strings, got " + config_detail::quote(*found));
  }
  if (require_non_empty && found->empty()) {
    return config_error(key, "expected at least one string");
  }
  std::vector<std::string> strings;
  for (std::size_t index = 0; index < found->size(); ++index) {
    const nlohmann::json& element = (*found)[index];
    if (!element.is_string()) {
      return config_error(std::string(key) + "[" + std::to_string(index) + "]",
                          "expected a string, got " + config_detail::quote(element));
    }
    strings.push_back(element.get<std::string>());
  }
  value = std::move(strings);
  return Status::ok();
}

}  // namespace callagent::fake_plugins
