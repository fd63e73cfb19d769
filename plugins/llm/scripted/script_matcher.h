// The matching rules: how a caller's words fill slots and pick an intent. Documented for
// users in config/scripts/README.md ("Matching").
//
// Every function takes normalised text (text_normalizer.h).
// Threading: pure; the script is only read.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "reply_template.h"
#include "script_model.h"

namespace callagent::plugins::scripted {

// What `slot` takes from `text`, if anything:
//   values: the value whose phrase (the value itself or a synonym) occurs earliest as whole
//           words; at the same position the longer phrase wins ("in the morning" over
//           "in"), then the value listed first.
//   regex:  the first capture group that took part in the first match, or the whole match
//           when the pattern has no groups; trimmed, capitalised if the slot says so.
//           An empty capture fills nothing.
std::optional<std::string> match_slot(const SlotDefinition& slot, std::string_view text);

// Fills `values` from every slot in `slots` that `text` mentions, overwriting an older
// value (the caller corrected it); leaves the others as they are.
void fill_slots(std::span<const SlotDefinition> slots, std::string_view text, SlotValues& values);

// True when every required slot is filled and, if the intent has keywords or a pattern,
// any keyword occurs as whole words or the pattern matches somewhere in `text`.
bool intent_matches(const Intent& intent, std::string_view text, const SlotValues& values);

// The first intent in `intents` that matches, or null.
const Intent* first_matching_intent(std::span<const Intent> intents, std::string_view text,
                                    const SlotValues& values);

}  // namespace callagent::plugins::scripted
