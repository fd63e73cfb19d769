#include "script_matcher.h"

#include <algorithm>

#include "text_normalizer.h"

namespace callagent::plugins::scripted {
namespace {

using TextMatch = std::match_results<std::string_view::const_iterator>;

// std::regex_search throws on input too complex for its backtracking engine. The caller
// then simply did not say the thing; matching goes on with the next rule.
bool search(const CompiledPattern& pattern, std::string_view text, TextMatch& match) {
  try {
    return std::regex_search(text.begin(), text.end(), match, pattern.regex);
  } catch (const std::regex_error&) {
    return false;
  }
}

std::string trimmed(std::string_view text) {
  const std::size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(' ');
  return std::string(text.substr(first, last - first + 1));
}

// "john smith" -> "John Smith". ASCII only: other letters are left as the caller said them.
std::string capitalized_words(std::string text) {
  bool word_start = true;
  for (char& character : text) {
    if (word_start && character >= 'a' && character <= 'z') character = static_cast<char>(character - 'a' + 'A');
    word_start = character == ' ';
  }
  return text;
}

std::optional<std::string> match_listed_value(const SlotDefinition& slot, std::string_view text) {
  const SlotValue* best = nullptr;
  std::size_t best_position = 0;
  std::size_t best_length = 0;
  for (const SlotValue& value : slot.values) {
    for (const std::string& phrase : value.phrases) {
      const auto position = find_phrase(text, phrase);
      if (!position) continue;
      const bool earlier = best == nullptr || *position < best_position;
      const bool same_place_longer =
          best != nullptr && *position == best_position && phrase.size() > best_length;
      if (earlier || same_place_longer) {
        best = &value;
        best_position = *position;
        best_length = phrase.size();
      }
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->canonical;
}

std::optional<std::string> match_captured_value(const SlotDefinition& slot, std::string_view text) {
  TextMatch match;
  if (!search(*slot.pattern, text, match)) return std::nullopt;
  std::string captured;
  if (match.size() <= 1) {
    captured = match.str(0);
  } else {
    for (std::size_t group = 1; group < match.size(); ++group) {
      if (match[group].matched) {
        captured = match.str(group);
        break;
      }
    }
  }
  captured = trimmed(captured);
  if (captured.empty()) return std::nullopt;
  return slot.capitalize ? capitalized_words(std::move(captured)) : captured;
}

}  // namespace

std::optional<std::string> match_slot(const SlotDefinition& slot, std::string_view text) {
  return slot.pattern ? match_captured_value(slot, text) : match_listed_value(slot, text);
}

void fill_slots(std::span<const SlotDefinition> slots, std::string_view text, SlotValues& values) {
  for (const SlotDefinition& slot : slots) {
    if (auto value = match_slot(slot, text)) values.insert_or_assign(slot.name, std::move(*value));
  }
}

bool intent_matches(const Intent& intent, std::string_view text, const SlotValues& values) {
  const bool slots_filled = std::all_of(intent.required_slots.begin(), intent.required_slots.end(),
                                        [&](const std::string& name) { return values.contains(name); });
  if (!slots_filled) return false;
  if (intent.keywords.empty() && !intent.pattern) return true;  // requires alone
  const bool keyword_heard = std::any_of(intent.keywords.begin(), intent.keywords.end(),
                                         [&](const std::string& keyword) { return contains_phrase(text, keyword); });
  if (keyword_heard) return true;
  TextMatch match;
  return intent.pattern && search(*intent.pattern, text, match);
}

const Intent* first_matching_intent(std::span<const Intent> intents, std::string_view text,
                                    const SlotValues& values) {
  const auto found = std::find_if(intents.begin(), intents.end(),
                                  [&](const Intent& intent) { return intent_matches(intent, text, values); });
  return found == intents.end() ? nullptr : &*found;
}

}  // namespace callagent::plugins::scripted
