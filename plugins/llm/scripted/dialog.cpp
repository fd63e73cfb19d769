#include "dialog.h"

#include <algorithm>
#include <utility>

#include "script_matcher.h"
#include "text_normalizer.h"

namespace callagent::plugins::scripted {

Dialog::Dialog(std::shared_ptr<const Script> script, std::string caller_number)
    : script_(std::move(script)), caller_number_(std::move(caller_number)), state_name_(script_->start_state) {}

Dialog::Answer Dialog::answer(std::string_view caller_text) {
  const std::string text = normalize_text(caller_text);
  const State& state = current_state();
  fill_slots(state.slots, text, slots_);

  const Intent* intent = first_matching_intent(state.intents, text, slots_);
  if (intent == nullptr) intent = first_matching_intent(script_->global_intents, text, slots_);
  if (intent == nullptr) return unmatched_answer(state);

  // The reply is rendered before `clear`, so "Let's start over, {name}" still has the name.
  Answer answer{render(intent->reply), intent->tool, "intent " + intent->name};
  for (const std::string& slot : intent->cleared_slots) slots_.erase(slot);
  if (intent->next_state) state_name_ = *intent->next_state;
  return answer;
}

const State& Dialog::current_state() const {
  // The parser guarantees that the start state and every `next` exist.
  return script_->states.find(state_name_)->second;
}

std::string Dialog::render(const ReplyTemplate& reply) const {
  if (reply.placeholder_names().empty()) return reply.render({});
  SlotValues values = slots_;
  values.emplace(kCallerNumberPlaceholder, caller_number_);
  return reply.render(values);
}

Dialog::Answer Dialog::unmatched_answer(const State& state) const {
  const bool slot_missing = std::any_of(state.slots.begin(), state.slots.end(),
                                        [&](const SlotDefinition& slot) { return !slots_.contains(slot.name); });
  if (state.reprompt && slot_missing) return {render(*state.reprompt), std::nullopt, "reprompt"};
  if (state.fallback) return {render(*state.fallback), std::nullopt, "fallback of the state"};
  if (script_->fallback) return {render(*script_->fallback), std::nullopt, "fallback of the script"};
  return {std::string(kDefaultFallback), std::nullopt, "default fallback"};
}

}  // namespace callagent::plugins::scripted
