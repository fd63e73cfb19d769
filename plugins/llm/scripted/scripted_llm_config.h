// The llm_scripted config subtree, and loading the script it names.
//
//   {"script_file": "config/scripts/dental_office.json",   path; relative to the host's
//                                                          working directory
//    "script": { … },                                      or the script inline (exactly one)
//    "token_delay_ms": 0}                                  pause between streamed words
//
// Threading: pure apart from reading the script file; creates and changes nothing, so
// validate_config (and `callagent --check-config`) may call it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "callagent/plugin_api/status.h"
#include "script_model.h"

namespace callagent::plugins::scripted {

// Longest accepted pause between words: a slow speaker says two words a second.
inline constexpr std::int64_t kMaxTokenDelayMs = 10'000;
// A script is a few kilobytes; a bigger file is most likely the wrong one.
inline constexpr std::uintmax_t kMaxScriptFileBytes = 1024 * 1024;

struct ScriptedLlmConfig {
  std::shared_ptr<const Script> script;  // checked; never null in a successful result
  std::string script_origin;             // for logs: "script_file <path>" or "inline script"
  std::chrono::milliseconds token_delay{0};
};

// Parses the config, reads and checks the script. Errors are ErrorCode::invalid_config and
// name the path relative to this subtree:
//   `token_delay_ms: expected an integer from 0 to 10000, got -1`
//   `script.states.ask_day.intents[0].next: unknown state "ask_tme" (states: …)`
//   `script_file: x.json: states.ask_day.intents[0].next: unknown state "ask_tme" (states: …)`
// Script files may hold // and /* */ comments.
Result<ScriptedLlmConfig> load_scripted_llm_config(std::string_view config_json);

}  // namespace callagent::plugins::scripted
