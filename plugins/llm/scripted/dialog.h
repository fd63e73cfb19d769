// One call's walk through a script: the state it is in and the slots filled so far, and
// how one caller turn moves them.
//
// Ownership: shares the immutable Script with the provider and the other calls.
// Threading: not thread-safe; its session calls it from the call's strand only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "reply_template.h"
#include "script_model.h"

namespace callagent::plugins::scripted {

class Dialog {
 public:
  // What the agent does in answer to one caller turn.
  struct Answer {
    std::string reply;               // rendered, whitespace collapsed; may be empty with a tool
    std::optional<ToolAction> tool;  // the intent's tool, offered or not: the session decides
    std::string reason;              // for logs: "intent book", "reprompt", "fallback", …
  };

  // Starts in the script's start state with no slot filled. `caller_number` is what
  // {caller_number} renders as.
  Dialog(std::shared_ptr<const Script> script, std::string caller_number);

  // Hears one caller turn (raw text; normalised here) and moves: fills the current state's
  // slots, then runs the first matching intent (the state's, then the global ones) — its
  // reply, its `clear`, its `next` — or else says the reprompt or a fallback.
  Answer answer(std::string_view caller_text);

  const std::string& state_name() const noexcept { return state_name_; }
  // Filled slots only; caller_number is not among them.
  const SlotValues& slots() const noexcept { return slots_; }

 private:
  const State& current_state() const;
  std::string render(const ReplyTemplate& reply) const;
  Answer unmatched_answer(const State& state) const;

  const std::shared_ptr<const Script> script_;
  const std::string caller_number_;
  std::string state_name_;
  SlotValues slots_;
};

}  // namespace callagent::plugins::scripted
