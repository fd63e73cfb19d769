// Sends a planned reply to the host's listener: text deltas, then the tool call if any,
// then on_complete (tool_calls when a tool was called, stop otherwise).
//
// Two ways: send_reply_now() inside generate() when there is no pacing — the host's
// listener only queues, so that is safe and keeps tests deterministic — and
// PacedReplyPlayer, which pauses between words on a thread of its own to sound like a
// model in demos.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "callagent/plugin_api/llm.h"

namespace callagent::plugins::scripted {

// Everything the session will send for one request, decided before the first callback.
struct PlannedReply {
  std::uint64_t request_id = 0;
  std::vector<std::string> deltas;  // each non-empty
  std::optional<ToolCall> tool_call;
};

// Sends the whole reply on the calling thread before returning.
void send_reply_now(const PlannedReply& reply, LlmListener& listener) noexcept;

// Plays replies one at a time on its own worker thread, a word per `delay_between_words`
// (the first word at once; the tool call and completion right after the last word).
//
// Threading: play() and cancel() may be called from any thread; they only hand work to the
// worker and never wait for the pauses. The worker makes
// every listener callback while holding the player's mutex, so once cancel() or a newer
// play() returns, nothing more arrives for the abandoned request — not even on_complete.
// The price: the listener must not call back into the player from a callback (the host
// never does; it only queues the event).
// Lifetime: `listener` outlives the player. The destructor stops and joins the worker, so
// no callback runs after it returns.
class PacedReplyPlayer {
 public:
  PacedReplyPlayer(LlmListener& listener, std::chrono::milliseconds delay_between_words);
  ~PacedReplyPlayer();
  PacedReplyPlayer(const PacedReplyPlayer&) = delete;
  PacedReplyPlayer& operator=(const PacedReplyPlayer&) = delete;

  // Abandons the reply being played or waiting, if any, and plays this one.
  void play(PlannedReply reply);
  // Abandons `request_id` if it is waiting or playing; otherwise does nothing.
  void cancel(std::uint64_t request_id);

 private:
  // noexcept: it only locks, waits, moves a reply and calls the noexcept listener; none of
  // those throws on a working system.
  void run_worker() noexcept;
  // Plays `reply` until it ends, is abandoned (generation_ moves on) or the player stops.
  void play_paced(std::unique_lock<std::mutex>& lock, const PlannedReply& reply, std::uint64_t generation);

  LlmListener& listener_;
  const std::chrono::milliseconds delay_between_words_;

  std::mutex mutex_;
  std::condition_variable wake_;
  // All guarded by mutex_.
  std::optional<PlannedReply> waiting_;  // handed over, not yet picked up by the worker
  std::optional<std::uint64_t> playing_request_id_;
  std::uint64_t generation_ = 0;  // bumped to abandon the reply being played
  bool stopping_ = false;

  std::thread worker_;  // last: starts once everything above exists
};

}  // namespace callagent::plugins::scripted
