// Turns a script's JSON into a checked Script (script_model.h), refusing anything the
// agent could not follow: unknown keys, wrong types, `next` naming no state, regular
// expressions that do not compile, templates naming undeclared slots. Every error names
// its JSON path, e.g. `script.states.ask_day.intents[0].next: unknown state "ask_tme"`.
//
// Threading: pure; no files, no logging.
#pragma once

#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "callagent/plugin_api/status.h"
#include "script_model.h"

namespace callagent::plugins::scripted {

// `root_path` is how errors name `root` itself: "script" for a script inline in the
// plugin's config, "" for the root of a script file (errors then start at "states…").
// Errors are ErrorCode::invalid_config; the first one found is reported.
Result<std::shared_ptr<const Script>> parse_script(const nlohmann::json& root, std::string_view root_path);

}  // namespace callagent::plugins::scripted
