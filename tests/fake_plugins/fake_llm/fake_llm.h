// fake_llm: a language-model plugin for integration tests that answers on its own, with
// realistic streaming: a first-token delay, then one word per token interval.
//
// Config (every key optional, unknown keys refused):
//   {"mode": "echo",               "echo": "You said: <last user message>. What else can I do for you?"
//                                  "script": the next of "replies", cycling
//    "replies": ["...", ...],      script mode's answers (required there, non-empty)
//    "first_token_delay_ms": 50,
//    "token_interval_ms": 10,
//    "end_call_on": "hang up"}     if the last user message contains it (any case) and the
//                                  request offers a tool named end_call, call end_call
//                                  {"reason":"caller asked"} instead of replying; "" disables
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "callagent/plugin_api.h"

namespace callagent::fake_plugins {

struct FakeLlmConfig {
  enum class Mode { echo, script };
  Mode mode = Mode::echo;
  std::vector<std::string> replies;
  std::int64_t first_token_delay_ms = 50;
  std::int64_t token_interval_ms = 10;
  std::string end_call_on = "hang up";
};

// Parses the config subtree; errors are invalid_config and name the key.
Result<FakeLlmConfig> parse_fake_llm_config(std::string_view config_json);

// One call's generations, streamed by one worker thread per session.
//
// Threading: generate()/cancel() come from the call's strand and only queue or flag work;
// the worker makes every listener callback. It holds the session's mutex while it calls the
// listener, so once cancel() (or a newer generate()) returns, nothing more arrives for the
// cancelled request — stricter than the API needs, and simpler for tests to reason about.
// The price: the listener must not call back into the session from a callback (the host
// never does; it only queues the event).
// Lifetime: `listener` and `logger` outlive the session. The destructor stops and joins the
// worker, so no callback runs after it returns.
class AutonomousLlmSession final : public LlmSession {
 public:
  AutonomousLlmSession(FakeLlmConfig config, LlmListener& listener, Logger& logger);
  ~AutonomousLlmSession() override;
  AutonomousLlmSession(const AutonomousLlmSession&) = delete;
  AutonomousLlmSession& operator=(const AutonomousLlmSession&) = delete;

  // Cancels the request in flight, if any, and starts this one.
  Status generate(const LlmRequest& request) noexcept override;
  // After it returns, no callback for `request_id` follows, not even on_complete.
  void cancel(std::uint64_t request_id) noexcept override;

 private:
  using Clock = std::chrono::steady_clock;

  // What the worker will send for one request: text deltas, or one tool call.
  struct Job {
    std::uint64_t request_id = 0;
    std::vector<std::string> deltas;
    std::optional<ToolCall> tool_call;
    std::int64_t prompt_words = 0;  // reported as prompt_tokens: a fake's token count
    Clock::time_point received_at;
  };

  Job plan_reply(const LlmRequest& request);  // strand only: advances the script
  void run_worker();
  // Plays `job` out; returns early when the job is superseded or the session stops.
  void play(std::unique_lock<std::mutex>& lock, const Job& job, std::uint64_t generation);

  const FakeLlmConfig config_;
  LlmListener& listener_;
  Logger& logger_;
  std::size_t next_reply_index_ = 0;  // strand only

  std::mutex mutex_;
  std::condition_variable wake_;
  // All guarded by mutex_.
  std::optional<Job> pending_;             // accepted, not yet picked up by the worker
  std::optional<std::uint64_t> playing_request_id_;
  std::uint64_t generation_ = 0;           // bumped to abandon the job being played
  bool stopping_ = false;

  std::thread worker_;  // last: starts once everything above exists
};

// Thread-safe: its only state is the immutable config.
class AutonomousLlmProvider final : public LlmProvider {
 public:
  static Status validate_config(std::string_view config_json);
  static Result<std::unique_ptr<AutonomousLlmProvider>> create(const ProviderContext& context);

  explicit AutonomousLlmProvider(FakeLlmConfig config);

  Result<std::unique_ptr<LlmSession>> open_session(const SessionContext& context,
                                                   LlmListener& listener) noexcept override;

 private:
  const FakeLlmConfig config_;
};

}  // namespace callagent::fake_plugins
