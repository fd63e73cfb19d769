// A parsed, checked script: states with slots and intents, global intents, fallbacks.
// The JSON format is documented for users in config/scripts/README.md; script_parser.h
// builds these types and guarantees the invariants stated on each field.
//
// Ownership and threading: the provider builds one Script, shares it with every session as
// std::shared_ptr<const Script>, and nobody changes it afterwards. Reading a const
// std::regex from several threads at once is safe, so sessions share it without a lock.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "reply_template.h"

namespace callagent::plugins::scripted {

// A regular expression as the author wrote it and compiled (ECMAScript, case-insensitive).
// Matched against normalised caller text (see text_normalizer.h).
struct CompiledPattern {
  std::string source;
  std::regex regex;
};

// One value a `values` slot may take, and every phrase that means it.
struct SlotValue {
  std::string canonical;             // as the author wrote it: what {slot} renders as
  std::vector<std::string> phrases;  // normalised, non-empty: the canonical value and its synonyms
};

// A piece of information a state listens for, such as a day or a name. Exactly one of
// `values` and `pattern` is set.
struct SlotDefinition {
  std::string name;                        // valid per is_valid_slot_name(), never "caller_number"
  std::vector<SlotValue> values;           // a closed list of values (non-empty when set)
  std::optional<CompiledPattern> pattern;  // or free text: the first capture group that took part
  bool capitalize = false;                 // pattern slots: "john smith" -> "John Smith"
};

// A tool call an intent makes, e.g. end_call.
struct ToolAction {
  std::string name;
  std::string arguments_json;  // a JSON object as text; "{}" when the script gives none
};

// Something the caller may mean, and what the agent does about it. It matches when every
// required slot is filled and, if it has keywords or a pattern, one of them matches (see
// script_matcher.h). At least one of keywords, pattern and required_slots is set, and at
// least one of a non-empty reply and a tool.
struct Intent {
  std::string name;                       // for logs
  std::vector<std::string> keywords;      // normalised, non-empty phrases
  std::optional<CompiledPattern> pattern;
  std::vector<std::string> required_slots;  // declared slot names
  ReplyTemplate reply;                     // placeholders name declared slots or caller_number
  std::optional<std::string> next_state;   // an existing state
  std::optional<ToolAction> tool;
  std::vector<std::string> cleared_slots;  // declared slot names, forgotten after the reply
};

struct State {
  std::string name;
  std::vector<SlotDefinition> slots;  // filled from the caller's words while in this state
  std::vector<Intent> intents;        // tried in order, before the global intents
  std::optional<ReplyTemplate> reprompt;  // when nothing matched and a slot here is still empty
  std::optional<ReplyTemplate> fallback;  // when nothing matched otherwise
};

struct Script {
  std::string start_state;                       // an existing state
  std::map<std::string, State, std::less<>> states;  // by name; non-empty
  std::vector<Intent> global_intents;            // tried in every state, after its own
  std::optional<ReplyTemplate> fallback;         // when a state has no fallback of its own
};

// The placeholder every template may use besides slots: CallInfo::from.
inline constexpr std::string_view kCallerNumberPlaceholder = "caller_number";
// What the agent says when nothing matched and the script has no fallback for it.
inline constexpr std::string_view kDefaultFallback = "Sorry, I did not understand.";

}  // namespace callagent::plugins::scripted
