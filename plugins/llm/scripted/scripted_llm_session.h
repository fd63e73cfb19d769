// One call's scripted agent: answers each generate() by following the script one turn and
// streams the answer as a model would.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "callagent/plugin_api.h"
#include "dialog.h"
#include "reply_player.h"
#include "script_model.h"

namespace callagent::plugins::scripted {

// Answers the caller's latest message (the last message of the request, when it is the
// caller's); a request whose history ends otherwise — with a tool result — gets an empty
// reply and on_complete(stop). The dialog moves when generate() is called, so a reply the
// caller interrupts still counts as said: the next turn is heard in the new state.
//
// An intent's tool is called (id "call_<n>", n counting from 1 per session) only when the
// request offers a tool of that name; otherwise the agent just says the reply.
//
// Threading: generate() and cancel() come from the call's strand, one at a time; the
// Dialog is touched only there. With no token delay every callback runs inside
// generate(), before it returns, and cancel() has nothing to stop. With a delay a
// PacedReplyPlayer streams from its own thread, and once cancel() or a newer generate()
// returns nothing more arrives for the abandoned request.
// Lifetime: `listener` and `logger` outlive the session; the destructor joins the player's
// thread, so no callback comes after it returns.
class ScriptedLlmSession final : public LlmSession {
 public:
  ScriptedLlmSession(std::shared_ptr<const Script> script, std::chrono::milliseconds token_delay,
                     const CallInfo& call, LlmListener& listener, Logger& logger);
  ~ScriptedLlmSession() override;
  ScriptedLlmSession(const ScriptedLlmSession&) = delete;
  ScriptedLlmSession& operator=(const ScriptedLlmSession&) = delete;

  Status generate(const LlmRequest& request) noexcept override;
  void cancel(std::uint64_t request_id) noexcept override;

  // Where the dialog stands; call from the strand (tests: the thread that calls generate()).
  const Dialog& dialog_for_testing() const noexcept { return dialog_; }

 private:
  PlannedReply plan_reply(const LlmRequest& request);

  LlmListener& listener_;
  Logger& logger_;
  Dialog dialog_;                       // strand only
  std::uint64_t tool_calls_made_ = 0;   // strand only
  // Null when there is no token delay. Last, so it is destroyed first: its worker stops
  // before anything it could reach goes away.
  std::unique_ptr<PacedReplyPlayer> player_;
};

}  // namespace callagent::plugins::scripted
