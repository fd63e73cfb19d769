// Reads one JSON object of the config into typed fields, collecting every error with its
// JSON path instead of stopping at the first, and refusing keys nobody read (a typo like
// "prot" is an error, not a silently ignored setting).
//
// Usage: construct, call read_*() for each known key (absent keys keep their defaults),
// then finish() to report unknown keys. Not thread-safe; start-up only.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/config/host_config.h"

namespace callagent::config {

class ObjectReader {
 public:
  // `value` may be null (the section is absent: every key keeps its default). Anything
  // else that is not an object is an error at `path`.
  ObjectReader(const nlohmann::json* value, std::string path, std::vector<ConfigError>& errors);

  bool present() const noexcept { return object_ != nullptr; }
  std::string path_of(std::string_view key) const;

  void read_string(std::string_view key, std::string& target);
  void read_bool(std::string_view key, bool& target);
  // Also records whether the key was given, for defaults that depend on other keys.
  void read_bool(std::string_view key, bool& target, bool& was_given);
  void read_int(std::string_view key, int& target, std::int64_t minimum, std::int64_t maximum);
  void read_choice(std::string_view key, std::string& target,
                   std::initializer_list<std::string_view> choices);
  void read_string_list(std::string_view key, std::vector<std::string>& target);
  // The raw child (marked as known), or null when absent.
  const nlohmann::json* child(std::string_view key);
  // A reader for the child object at `key` (absent: a reader with every default).
  ObjectReader nested(std::string_view key);

  void error(std::string_view key, std::string message);
  // Reports every key that no read_*() or child() asked for.
  void finish();

 private:
  const nlohmann::json* find(std::string_view key);

  const nlohmann::json* object_ = nullptr;
  std::string path_;
  std::vector<ConfigError>& errors_;
  std::set<std::string, std::less<>> known_keys_;
};

// How a JSON value is described in messages: "\"abc\"", "3.5", "an object".
std::string describe(const nlohmann::json& value);

}  // namespace callagent::config
