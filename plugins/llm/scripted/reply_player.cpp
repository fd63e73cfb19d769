#include "reply_player.h"

#include <utility>

namespace callagent::plugins::scripted {
namespace {

// No model, so no token counts: LlmUsage's defaults say "unknown".
void send_ending(const PlannedReply& reply, LlmListener& listener) noexcept {
  if (reply.tool_call) {
    listener.on_tool_call(reply.request_id, *reply.tool_call);
    listener.on_complete(reply.request_id, FinishReason::tool_calls, LlmUsage{});
  } else {
    listener.on_complete(reply.request_id, FinishReason::stop, LlmUsage{});
  }
}

}  // namespace

void send_reply_now(const PlannedReply& reply, LlmListener& listener) noexcept {
  for (const std::string& delta : reply.deltas) listener.on_text_delta(reply.request_id, delta);
  send_ending(reply, listener);
}

PacedReplyPlayer::PacedReplyPlayer(LlmListener& listener, std::chrono::milliseconds delay_between_words)
    : listener_(listener), delay_between_words_(delay_between_words), worker_([this] { run_worker(); }) {}

PacedReplyPlayer::~PacedReplyPlayer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void PacedReplyPlayer::play(PlannedReply reply) {
  {
    std::lock_guard lock(mutex_);
    ++generation_;  // one request at a time: the newer one wins
    waiting_ = std::move(reply);
  }
  wake_.notify_all();
}

void PacedReplyPlayer::cancel(std::uint64_t request_id) {
  {
    std::lock_guard lock(mutex_);
    if (waiting_ && waiting_->request_id == request_id) waiting_.reset();
    if (playing_request_id_ == request_id) ++generation_;
  }
  wake_.notify_all();
}

void PacedReplyPlayer::run_worker() noexcept {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || waiting_.has_value(); });
    if (stopping_) return;
    const PlannedReply reply = std::move(*waiting_);
    waiting_.reset();
    playing_request_id_ = reply.request_id;
    play_paced(lock, reply, generation_);
    playing_request_id_.reset();
  }
}

void PacedReplyPlayer::play_paced(std::unique_lock<std::mutex>& lock, const PlannedReply& reply,
                                  std::uint64_t generation) {
  const auto abandoned = [this, generation] { return stopping_ || generation_ != generation; };
  // The lock is held from each check to the callback after it: a cancel() either comes
  // before the check (and wins) or after the callback.
  auto due = std::chrono::steady_clock::now();
  for (std::size_t index = 0; index < reply.deltas.size(); ++index) {
    if (index > 0) {
      due += delay_between_words_;
      if (wake_.wait_until(lock, due, abandoned)) return;
    }
    listener_.on_text_delta(reply.request_id, reply.deltas[index]);
  }
  send_ending(reply, listener_);
}

}  // namespace callagent::plugins::scripted
