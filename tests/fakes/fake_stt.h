// A controllable SttProvider for deterministic tests of the call engine: it records what the
// engine sends, and the test makes the "recogniser" speak by calling emit_*() on a session.
//
// Threading: no threads of its own. Every listener callback runs on the thread that calls
// emit_*(), inside that call. Everything is guarded by mutexes, because the engine may
// call the session from a worker thread while the test thread drives it.
// Ownership: open_session() hands the engine a thin handle; the FakeSttSession behind it is
// shared with the provider, so a test can still inspect it after the engine destroyed its
// handle. From then on, as from close(), emit_*() calls nothing and returns false: the
// fake keeps the plugin API's promise that no callback follows close() or destruction.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "callagent/plugin_api.h"
#include "tests/fakes/callback_reentry_recorder.h"

namespace callagent::testing {

class FakeSttSession final : public SttSession {
 public:
  // `listener` must outlive this session's use (until close() or release()).
  explicit FakeSttSession(SttListener& listener, CallInfo call = {})
      : call_(std::move(call)), listener_(&listener) {}

  // --- SttSession: what the engine calls -------------------------------------------------
  Status send_audio(const AudioChunk& chunk) noexcept override {
    reentry_.note("send_audio");
    std::lock_guard lock(mutex_);
    if (!send_audio_status_.is_ok()) return send_audio_status_;
    audio_.insert(audio_.end(), chunk.data, chunk.data + chunk.size_bytes);
    ++audio_chunk_count_;
    last_stream_offset_ms_ = chunk.stream_offset_ms;
    last_encoding_ = chunk.encoding;
    return Status::ok();
  }
  void finalize() noexcept override {
    reentry_.note("finalize");
    std::lock_guard lock(mutex_);
    ++finalize_count_;
  }
  void close() noexcept override {
    detach_listener();
    std::lock_guard lock(mutex_);
    ++close_count_;
  }

  // --- the test's side: make the recogniser speak ----------------------------------------
  // Each returns false, calling nothing, once the session is closed or released.
  bool emit_interim(std::string text) {
    SttResult result;
    result.transcript = std::move(text);
    result.confidence = 0.5F;
    return emit_result(result);
  }
  bool emit_final(std::string text, bool speech_final = true) {
    SttResult result;
    result.transcript = std::move(text);
    result.confidence = 0.9F;
    result.is_final = true;
    result.speech_final = speech_final;
    return emit_result(result);
  }
  // Full control: times, words, confidence.
  bool emit_result(const SttResult& result) {
    return with_listener([&](SttListener& listener) { listener.on_result(result); });
  }
  bool emit_speech_started(std::int64_t stream_offset_ms) {
    return with_listener([&](SttListener& listener) { listener.on_speech_started(stream_offset_ms); });
  }
  bool emit_utterance_end(std::int64_t last_word_end_ms) {
    return with_listener([&](SttListener& listener) { listener.on_utterance_end(last_word_end_ms); });
  }
  bool emit_error(const Status& error, bool recoverable) {
    return with_listener([&](SttListener& listener) { listener.on_error(error, recoverable); });
  }

  // From now on send_audio() returns `status` (Status::ok() restores success).
  void set_send_audio_status(Status status) {
    std::lock_guard lock(mutex_);
    send_audio_status_ = std::move(status);
  }

  // --- observations ------------------------------------------------------------------------
  std::vector<std::uint8_t> audio() const {
    std::lock_guard lock(mutex_);
    return audio_;
  }
  std::size_t audio_byte_count() const {
    std::lock_guard lock(mutex_);
    return audio_.size();
  }
  std::size_t audio_chunk_count() const {
    std::lock_guard lock(mutex_);
    return audio_chunk_count_;
  }
  // -1 before the first chunk.
  std::int64_t last_stream_offset_ms() const {
    std::lock_guard lock(mutex_);
    return last_stream_offset_ms_;
  }
  AudioEncoding last_encoding() const {
    std::lock_guard lock(mutex_);
    return last_encoding_;
  }
  // Session methods called from inside this session's own callbacks (callback_reentry_recorder.h).
  std::vector<std::string> calls_inside_callback() const { return reentry_.calls(); }
  int finalize_count() const {
    std::lock_guard lock(mutex_);
    return finalize_count_;
  }
  // close() was called (destroying the handle without close() does not count).
  bool closed() const {
    std::lock_guard lock(mutex_);
    return close_count_ > 0;
  }
  int close_count() const {
    std::lock_guard lock(mutex_);
    return close_count_;
  }
  // The engine destroyed its handle.
  bool released() const {
    std::lock_guard lock(mutex_);
    return released_;
  }
  const CallInfo& call() const { return call_; }

  // Called when the engine's handle is destroyed: like close(), without counting a close.
  void release() noexcept {
    detach_listener();
    std::lock_guard lock(mutex_);
    released_ = true;
  }

 private:
  template <typename Callback>
  bool with_listener(Callback&& callback) {
    // Held during the callback, so close()/release() on another thread waits for it; the
    // recursive mutex lets a listener close the session from inside a callback.
    std::lock_guard lock(listener_mutex_);
    if (listener_ == nullptr) return false;
    const CallbackReentryRecorder::Scope inside(reentry_);
    callback(*listener_);
    return true;
  }
  void detach_listener() noexcept {
    std::lock_guard lock(listener_mutex_);
    listener_ = nullptr;
  }

  const CallInfo call_;
  CallbackReentryRecorder reentry_;
  std::recursive_mutex listener_mutex_;
  SttListener* listener_;  // guarded by listener_mutex_; null once closed or released

  mutable std::mutex mutex_;  // guards everything below; never held during a callback
  Status send_audio_status_;
  std::vector<std::uint8_t> audio_;
  std::size_t audio_chunk_count_ = 0;
  std::int64_t last_stream_offset_ms_ = -1;
  AudioEncoding last_encoding_ = AudioEncoding::mulaw;
  int finalize_count_ = 0;
  int close_count_ = 0;
  bool released_ = false;
};

namespace detail {
// What the engine owns: forwards to the shared FakeSttSession and releases it when destroyed.
class FakeSttSessionHandle final : public SttSession {
 public:
  explicit FakeSttSessionHandle(std::shared_ptr<FakeSttSession> session) : session_(std::move(session)) {}
  ~FakeSttSessionHandle() override { session_->release(); }
  FakeSttSessionHandle(const FakeSttSessionHandle&) = delete;
  FakeSttSessionHandle& operator=(const FakeSttSessionHandle&) = delete;

  Status send_audio(const AudioChunk& chunk) noexcept override { return session_->send_audio(chunk); }
  void finalize() noexcept override { session_->finalize(); }
  void close() noexcept override { session_->close(); }

 private:
  std::shared_ptr<FakeSttSession> session_;
};
}  // namespace detail

class FakeSttProvider final : public SttProvider {
 public:
  // μ-law 8 kHz unless told otherwise.
  explicit FakeSttProvider(AudioFormat input_format = {}) : input_format_(input_format) {}

  void set_input_format(AudioFormat format) {
    std::lock_guard lock(mutex_);
    input_format_ = format;
  }
  // Every open_session() fails with `status` until called again with Status::ok().
  void fail_open_session(Status status) {
    std::lock_guard lock(mutex_);
    open_session_status_ = std::move(status);
  }

  AudioFormat input_format() const noexcept override {
    std::lock_guard lock(mutex_);
    return input_format_;
  }
  Result<std::unique_ptr<SttSession>> open_session(const SessionContext& context,
                                                   SttListener& listener) noexcept override {
    try {
      std::lock_guard lock(mutex_);
      ++open_session_calls_;
      if (!open_session_status_.is_ok()) return open_session_status_;
      auto session = std::make_shared<FakeSttSession>(listener, context.call);
      sessions_.push_back(session);
      return std::unique_ptr<SttSession>(std::make_unique<detail::FakeSttSessionHandle>(session));
    } catch (const std::exception& error) {
      return Status(ErrorCode::internal, error.what());
    }
  }

  // Every session opened, oldest first, including released ones.
  std::vector<std::shared_ptr<FakeSttSession>> sessions() const {
    std::lock_guard lock(mutex_);
    return sessions_;
  }
  // Null before the first session.
  std::shared_ptr<FakeSttSession> last_session() const {
    std::lock_guard lock(mutex_);
    return sessions_.empty() ? nullptr : sessions_.back();
  }
  // Including the failed ones.
  std::size_t open_session_calls() const {
    std::lock_guard lock(mutex_);
    return open_session_calls_;
  }

 private:
  mutable std::mutex mutex_;  // guards everything below
  AudioFormat input_format_;
  Status open_session_status_;
  std::vector<std::shared_ptr<FakeSttSession>> sessions_;
  std::size_t open_session_calls_ = 0;
};

}  // namespace callagent::testing
