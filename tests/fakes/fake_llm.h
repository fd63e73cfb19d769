// A controllable LlmProvider for deterministic tests of the call engine: it records every
// request and cancel, and the test plays the model by calling stream_text(), complete() and
// friends on a session — or sets an auto-reply that answers every generate() at once.
//
// Threading: no threads of its own. Every listener callback runs on the thread that calls
// the driving method (or generate(), in auto-reply mode), inside that call. Everything is
// guarded by mutexes, because the engine may call from a worker thread.
// Ownership: as in fake_stt.h, the engine owns a handle and the provider shares the
// FakeLlmSession behind it; once the handle is destroyed the driving methods call nothing
// and return false.
#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callagent/plugin_api.h"
#include "tests/fakes/callback_reentry_recorder.h"

namespace callagent::testing {

// The reply text for a request; used by auto-reply mode.
using FakeLlmAutoReply = std::function<std::string(const LlmRequest&)>;

class FakeLlmSession final : public LlmSession {
 public:
  // `listener` must outlive this session's use (until release()).
  explicit FakeLlmSession(LlmListener& listener, CallInfo call = {}, FakeLlmAutoReply auto_reply = {})
      : call_(std::move(call)), listener_(&listener), auto_reply_(std::move(auto_reply)) {}

  // --- LlmSession: what the engine calls -------------------------------------------------
  // Records the request. In auto-reply mode it then streams the reply word by word and
  // completes it before returning.
  Status generate(const LlmRequest& request) noexcept override {
    reentry_.note("generate");
    FakeLlmAutoReply auto_reply;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (!generate_status_.is_ok()) return generate_status_;
      auto_reply = auto_reply_;
    }
    if (auto_reply) reply_at_once(request.request_id, auto_reply(request));
    return Status::ok();
  }
  void cancel(std::uint64_t request_id) noexcept override {
    reentry_.note("cancel");
    std::lock_guard lock(mutex_);
    cancelled_request_ids_.push_back(request_id);
  }

  // --- the test's side: play the model ---------------------------------------------------
  // Each returns false, calling nothing, once the session is released.
  // One on_text_delta with exactly `text` (which must not be empty: the API never sends an
  // empty delta, so neither does the fake).
  bool stream_text(std::uint64_t request_id, std::string_view text) {
    if (text.empty()) return false;
    return with_listener([&](LlmListener& listener) { listener.on_text_delta(request_id, text); });
  }
  bool emit_tool_call(std::uint64_t request_id, const ToolCall& call) {
    return with_listener([&](LlmListener& listener) { listener.on_tool_call(request_id, call); });
  }
  bool complete(std::uint64_t request_id, FinishReason reason = FinishReason::stop,
                LlmUsage usage = {}) {
    return with_listener([&](LlmListener& listener) { listener.on_complete(request_id, reason, usage); });
  }
  bool fail(std::uint64_t request_id, const Status& error) {
    return with_listener([&](LlmListener& listener) { listener.on_error(request_id, error); });
  }
  // Streams `reply` a word per delta ("Hello", " there.", ...) then completes with stop.
  bool reply_at_once(std::uint64_t request_id, std::string_view reply) {
    return with_listener([&](LlmListener& listener) {
      std::string delta;
      for (std::size_t position = 0; position < reply.size();) {
        const std::size_t word_start = reply.find_first_not_of(' ', position);
        if (word_start == std::string_view::npos) break;
        const std::size_t word_end = std::min(reply.find(' ', word_start), reply.size());
        delta.assign(position == 0 ? "" : " ");
        delta.append(reply.substr(word_start, word_end - word_start));
        listener.on_text_delta(request_id, delta);
        position = word_end;
      }
      listener.on_complete(request_id, FinishReason::stop, LlmUsage{});
    });
  }

  // An empty function turns auto-reply off.
  void set_auto_reply(FakeLlmAutoReply auto_reply) {
    std::lock_guard lock(mutex_);
    auto_reply_ = std::move(auto_reply);
  }
  // From now on generate() records the request and returns `status` (ok restores success).
  void set_generate_status(Status status) {
    std::lock_guard lock(mutex_);
    generate_status_ = std::move(status);
  }

  // --- observations ------------------------------------------------------------------------
  std::vector<LlmRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t request_count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }
  // Empty before the first generate().
  std::optional<LlmRequest> last_request() const {
    std::lock_guard lock(mutex_);
    if (requests_.empty()) return std::nullopt;
    return requests_.back();
  }
  std::vector<std::uint64_t> cancelled_request_ids() const {
    std::lock_guard lock(mutex_);
    return cancelled_request_ids_;
  }
  bool was_cancelled(std::uint64_t request_id) const {
    std::lock_guard lock(mutex_);
    return std::find(cancelled_request_ids_.begin(), cancelled_request_ids_.end(), request_id) !=
           cancelled_request_ids_.end();
  }
  // Session methods called from inside this session's own callbacks (callback_reentry_recorder.h).
  std::vector<std::string> calls_inside_callback() const { return reentry_.calls(); }
  bool released() const {
    std::lock_guard lock(mutex_);
    return released_;
  }
  const CallInfo& call() const { return call_; }

  // Called when the engine's handle is destroyed.
  void release() noexcept {
    {
      std::lock_guard lock(listener_mutex_);
      listener_ = nullptr;
    }
    std::lock_guard lock(mutex_);
    released_ = true;
  }

 private:
  template <typename Callback>
  bool with_listener(Callback&& callback) {
    // Held during the callback, so release() on another thread waits for it; recursive so a
    // listener may call back into the session (cancel, generate) from a callback.
    std::lock_guard lock(listener_mutex_);
    if (listener_ == nullptr) return false;
    const CallbackReentryRecorder::Scope inside(reentry_);
    callback(*listener_);
    return true;
  }

  const CallInfo call_;
  CallbackReentryRecorder reentry_;
  std::recursive_mutex listener_mutex_;
  LlmListener* listener_;  // guarded by listener_mutex_; null once released

  mutable std::mutex mutex_;  // guards everything below; never held during a callback
  FakeLlmAutoReply auto_reply_;
  Status generate_status_;
  std::vector<LlmRequest> requests_;
  std::vector<std::uint64_t> cancelled_request_ids_;
  bool released_ = false;
};

namespace detail {
// What the engine owns: forwards to the shared FakeLlmSession and releases it when destroyed.
class FakeLlmSessionHandle final : public LlmSession {
 public:
  explicit FakeLlmSessionHandle(std::shared_ptr<FakeLlmSession> session) : session_(std::move(session)) {}
  ~FakeLlmSessionHandle() override { session_->release(); }
  FakeLlmSessionHandle(const FakeLlmSessionHandle&) = delete;
  FakeLlmSessionHandle& operator=(const FakeLlmSessionHandle&) = delete;

  Status generate(const LlmRequest& request) noexcept override { return session_->generate(request); }
  void cancel(std::uint64_t request_id) noexcept override { session_->cancel(request_id); }

 private:
  std::shared_ptr<FakeLlmSession> session_;
};
}  // namespace detail

class FakeLlmProvider final : public LlmProvider {
 public:
  // Applies to every session, open or opened later. An empty function turns it off.
  void set_auto_reply(FakeLlmAutoReply auto_reply) {
    std::lock_guard lock(mutex_);
    auto_reply_ = auto_reply;
    for (const auto& session : sessions_) session->set_auto_reply(auto_reply);
  }
  // Every open_session() fails with `status` until called again with Status::ok().
  void fail_open_session(Status status) {
    std::lock_guard lock(mutex_);
    open_session_status_ = std::move(status);
  }

  Result<std::unique_ptr<LlmSession>> open_session(const SessionContext& context,
                                                   LlmListener& listener) noexcept override {
    try {
      std::lock_guard lock(mutex_);
      ++open_session_calls_;
      if (!open_session_status_.is_ok()) return open_session_status_;
      auto session = std::make_shared<FakeLlmSession>(listener, context.call, auto_reply_);
      sessions_.push_back(session);
      return std::unique_ptr<LlmSession>(std::make_unique<detail::FakeLlmSessionHandle>(session));
    } catch (const std::exception& error) {
      return Status(ErrorCode::internal, error.what());
    }
  }

  std::vector<std::shared_ptr<FakeLlmSession>> sessions() const {
    std::lock_guard lock(mutex_);
    return sessions_;
  }
  // Null before the first session.
  std::shared_ptr<FakeLlmSession> last_session() const {
    std::lock_guard lock(mutex_);
    return sessions_.empty() ? nullptr : sessions_.back();
  }
  // The last session's last request; empty when there is none.
  std::optional<LlmRequest> last_request() const {
    const auto session = last_session();
    return session ? session->last_request() : std::nullopt;
  }
  std::size_t open_session_calls() const {
    std::lock_guard lock(mutex_);
    return open_session_calls_;
  }

 private:
  mutable std::mutex mutex_;  // guards everything below
  FakeLlmAutoReply auto_reply_;
  Status open_session_status_;
  std::vector<std::shared_ptr<FakeLlmSession>> sessions_;
  std::size_t open_session_calls_ = 0;
};

}  // namespace callagent::testing
