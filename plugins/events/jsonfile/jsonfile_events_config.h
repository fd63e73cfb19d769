// The events_jsonfile config subtree: parsing and validation, with no side effects.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "callagent/plugin_api/status.h"

namespace callagent::plugins {

// Keys and defaults are documented in README.md ("events_jsonfile: the transcript store").
struct JsonFileEventsConfig {
  std::string directory = "transcripts";  // as written; resolved against the working dir at create()
  bool fsync = true;
  bool write_events = false;
  std::size_t queue_limit = 10000;  // events waiting for the writer thread
};

// Parses the plugin's own config subtree. Refuses unknown keys and wrong types with
// ErrorCode::invalid_config and a message naming the key, e.g.
// "queue_limit: expected an integer >= 1". Empty text means "all defaults".
// Touches no files.
Result<JsonFileEventsConfig> parse_jsonfile_events_config(std::string_view config_json);

}  // namespace callagent::plugins
