#include "jsonfile_events_config.h"

#include <nlohmann/json.hpp>

namespace callagent::plugins {
namespace {

Status config_error(std::string message) {
  return Status(ErrorCode::invalid_config, std::move(message));
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

Result<JsonFileEventsConfig> parse_jsonfile_events_config(std::string_view config_json) {
  JsonFileEventsConfig config;
  if (is_blank(config_json)) return config;

  const auto root = nlohmann::json::parse(config_json, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return config_error("expected a JSON object, got text that is not JSON");
  if (!root.is_object()) return config_error("expected a JSON object");

  for (const auto& [key, value] : root.items()) {
    if (key == "directory") {
      if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
        return config_error("directory: expected a non-empty string");
      }
      config.directory = value.get<std::string>();
      if (config.directory.find('\0') != std::string::npos) {
        return config_error("directory: must not contain a NUL character");
      }
    } else if (key == "fsync") {
      if (!value.is_boolean()) return config_error("fsync: expected a boolean");
      config.fsync = value.get<bool>();
    } else if (key == "write_events") {
      if (!value.is_boolean()) return config_error("write_events: expected a boolean");
      config.write_events = value.get<bool>();
    } else if (key == "queue_limit") {
      const bool positive_integer =
          value.is_number_unsigned() ? value.get<std::uint64_t>() >= 1
                                     : value.is_number_integer() && value.get<std::int64_t>() >= 1;
      if (!positive_integer) return config_error("queue_limit: expected an integer >= 1");
      config.queue_limit = static_cast<std::size_t>(value.get<std::uint64_t>());
    } else {
      return config_error(key + ": unknown key (known: directory, fsync, write_events, queue_limit)");
    }
  }
  return config;
}

}  // namespace callagent::plugins
