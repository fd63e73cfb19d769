// A controllable TtsProvider for deterministic tests of the call engine: it records every
// synthesize() and cancel(), and the test plays the voice by calling emit_audio(), done()
// and friends — or switches on auto mode, where each synthesize() answers at once.
//
// Threading: no threads of its own. Every listener callback runs on the thread that calls
// the driving method (or synthesize(), in auto mode), inside that call. Everything is
// guarded by mutexes, because the engine may call from a worker thread.
// Ownership: as in fake_stt.h, the engine owns a handle and the provider shares the
// FakeTtsSession behind it; once the handle is destroyed the driving methods call nothing
// and return false.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callagent/plugin_api.h"
#include "tests/fakes/callback_reentry_recorder.h"
#include "tests/fake_plugins/common/mulaw_signal.h"

namespace callagent::testing {

struct FakeTtsSynthesizeCall {
  std::uint64_t utterance_id = 0;
  std::string text;
  bool end_of_utterance = false;
};

// Audio the fakes speak: a 400 Hz tone with its peak at -20 dBFS, so a VAD hears it.
// In μ-law or PCM16 as `format` says; A-law gets μ-law bytes, which no test should need.
inline std::vector<std::uint8_t> fake_tts_tone(AudioFormat format, std::int64_t duration_ms) {
  constexpr double kToneHz = 400.0;
  if (format.encoding != AudioEncoding::pcm16_le || format.sample_rate_hz == 0) {
    return fake_plugins::mulaw_tone(kToneHz, duration_ms);
  }
  const double peak = 32767.0 * std::pow(10.0, fake_plugins::kFakeSpeechPeakDbfs / 20.0);
  const auto sample_count = static_cast<std::size_t>(std::max<std::int64_t>(duration_ms, 0)) *
                            format.sample_rate_hz / 1000;
  std::vector<std::uint8_t> bytes;
  bytes.reserve(sample_count * 2);
  for (std::size_t index = 0; index < sample_count; ++index) {
    const double phase = 2.0 * std::numbers::pi * kToneHz * static_cast<double>(index) /
                         static_cast<double>(format.sample_rate_hz);
    const auto sample = static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(peak * std::sin(phase))));
    bytes.push_back(static_cast<std::uint8_t>(sample & 0xFFU));
    bytes.push_back(static_cast<std::uint8_t>(sample >> 8U));
  }
  return bytes;
}

class FakeTtsSession final : public TtsSession {
 public:
  static constexpr std::int64_t kAutoMsPerWord = 50;
  static constexpr std::int64_t kChunkMs = 20;

  // `listener` must outlive this session's use (until release()).
  explicit FakeTtsSession(TtsListener& listener, AudioFormat output_format = {}, CallInfo call = {},
                          bool auto_mode = false)
      : call_(std::move(call)), output_format_(output_format), listener_(&listener), auto_mode_(auto_mode) {}

  // --- TtsSession: what the engine calls -------------------------------------------------
  // Records the piece. In auto mode it then sends word timings and 50 ms of tone per word
  // in 20 ms chunks, and on end_of_utterance done, all before returning.
  Status synthesize(std::uint64_t utterance_id, std::string_view text,
                    bool end_of_utterance) noexcept override {
    reentry_.note("synthesize");
    bool auto_mode = false;
    try {
      std::lock_guard lock(mutex_);
      synthesize_calls_.push_back({utterance_id, std::string(text), end_of_utterance});
      if (!synthesize_status_.is_ok()) return synthesize_status_;
      auto_mode = auto_mode_;
    } catch (const std::exception& error) {
      return Status(ErrorCode::internal, error.what());
    }
    if (auto_mode) speak_at_once(utterance_id, text, end_of_utterance);
    return Status::ok();
  }
  void cancel(std::uint64_t utterance_id) noexcept override {
    reentry_.note("cancel");
    std::lock_guard lock(mutex_);
    cancelled_utterance_ids_.push_back(utterance_id);
  }

  // --- the test's side: play the voice ---------------------------------------------------
  // Each returns false, calling nothing, once the session is released.
  // One on_audio with exactly `bytes`, placed after the utterance's audio so far.
  bool emit_audio(std::uint64_t utterance_id, std::span<const std::uint8_t> bytes) {
    return with_listener([&](TtsListener& listener) { send_chunk(listener, utterance_id, bytes); });
  }
  // `duration_ms` of the 400 Hz tone in the output format (μ-law: 8 bytes per ms), in 20 ms chunks.
  bool emit_audio_ms(std::uint64_t utterance_id, std::int64_t duration_ms) {
    const auto tone = fake_tts_tone(output_format_, duration_ms);
    return with_listener([&](TtsListener& listener) { send_in_chunks(listener, utterance_id, tone); });
  }
  bool emit_word_timings(std::uint64_t utterance_id, const std::vector<TtsWordTiming>& words) {
    return with_listener([&](TtsListener& listener) { listener.on_word_timings(utterance_id, words); });
  }
  bool done(std::uint64_t utterance_id) {
    return with_listener([&](TtsListener& listener) { listener.on_utterance_done(utterance_id); });
  }
  bool fail(std::uint64_t utterance_id, const Status& error) {
    return with_listener([&](TtsListener& listener) { listener.on_error(utterance_id, error); });
  }

  void set_auto_mode(bool enabled) {
    std::lock_guard lock(mutex_);
    auto_mode_ = enabled;
  }
  // From now on synthesize() records the piece and returns `status` (ok restores success).
  void set_synthesize_status(Status status) {
    std::lock_guard lock(mutex_);
    synthesize_status_ = std::move(status);
  }

  // --- observations ------------------------------------------------------------------------
  std::vector<FakeTtsSynthesizeCall> synthesize_calls() const {
    std::lock_guard lock(mutex_);
    return synthesize_calls_;
  }
  // The utterance's pieces joined as sent.
  std::string text_of(std::uint64_t utterance_id) const {
    std::lock_guard lock(mutex_);
    std::string text;
    for (const auto& call : synthesize_calls_) {
      if (call.utterance_id == utterance_id) text += call.text;
    }
    return text;
  }
  std::vector<std::uint64_t> cancelled_utterance_ids() const {
    std::lock_guard lock(mutex_);
    return cancelled_utterance_ids_;
  }
  bool was_cancelled(std::uint64_t utterance_id) const {
    std::lock_guard lock(mutex_);
    return std::find(cancelled_utterance_ids_.begin(), cancelled_utterance_ids_.end(), utterance_id) !=
           cancelled_utterance_ids_.end();
  }
  // Audio this fake has sent for the utterance, in milliseconds.
  std::int64_t audio_sent_ms(std::uint64_t utterance_id) const {
    std::lock_guard lock(mutex_);
    const auto found = audio_sent_ms_.find(utterance_id);
    return found == audio_sent_ms_.end() ? 0 : found->second;
  }
  // Session methods called from inside this session's own callbacks (callback_reentry_recorder.h).
  std::vector<std::string> calls_inside_callback() const { return reentry_.calls(); }
  bool released() const {
    std::lock_guard lock(mutex_);
    return released_;
  }
  AudioFormat output_format() const { return output_format_; }
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
    // listener may call back into the session (cancel, synthesize) from a callback.
    std::lock_guard lock(listener_mutex_);
    if (listener_ == nullptr) return false;
    const CallbackReentryRecorder::Scope inside(reentry_);
    callback(*listener_);
    return true;
  }

  void speak_at_once(std::uint64_t utterance_id, std::string_view text, bool end_of_utterance) {
    std::vector<TtsWordTiming> words;
    const std::int64_t start_ms = audio_sent_ms(utterance_id);
    for (std::size_t position = 0; position < text.size();) {
      const std::size_t word_start = text.find_first_not_of(' ', position);
      if (word_start == std::string_view::npos) break;
      const std::size_t word_end = std::min(text.find(' ', word_start), text.size());
      const auto word_start_ms = start_ms + static_cast<std::int64_t>(words.size()) * kAutoMsPerWord;
      words.push_back({std::string(text.substr(word_start, word_end - word_start)), word_start_ms,
                       word_start_ms + kAutoMsPerWord});
      position = word_end;
    }
    const auto tone = fake_tts_tone(output_format_, static_cast<std::int64_t>(words.size()) * kAutoMsPerWord);
    with_listener([&](TtsListener& listener) {
      if (!words.empty()) listener.on_word_timings(utterance_id, words);
      send_in_chunks(listener, utterance_id, tone);
      if (end_of_utterance) listener.on_utterance_done(utterance_id);
    });
  }

  void send_in_chunks(TtsListener& listener, std::uint64_t utterance_id, std::span<const std::uint8_t> audio) {
    const std::size_t chunk_bytes = static_cast<std::size_t>(kChunkMs) * output_format_.sample_rate_hz / 1000 *
                                    bytes_per_sample(output_format_.encoding);
    for (std::size_t offset = 0; offset < audio.size(); offset += chunk_bytes) {
      send_chunk(listener, utterance_id, audio.subspan(offset, std::min(chunk_bytes, audio.size() - offset)));
    }
  }

  void send_chunk(TtsListener& listener, std::uint64_t utterance_id, std::span<const std::uint8_t> bytes) {
    AudioChunk chunk;
    chunk.data = bytes.data();
    chunk.size_bytes = bytes.size();
    chunk.encoding = output_format_.encoding;
    chunk.sample_rate_hz = output_format_.sample_rate_hz;
    {
      std::lock_guard lock(mutex_);
      std::int64_t& sent_ms = audio_sent_ms_[utterance_id];
      chunk.stream_offset_ms = sent_ms;
      sent_ms += chunk.duration_ms();
    }
    listener.on_audio(utterance_id, chunk);
  }

  const CallInfo call_;
  const AudioFormat output_format_;
  CallbackReentryRecorder reentry_;
  std::recursive_mutex listener_mutex_;
  TtsListener* listener_;  // guarded by listener_mutex_; null once released

  mutable std::mutex mutex_;  // guards everything below; never held during a callback
  bool auto_mode_;
  Status synthesize_status_;
  std::vector<FakeTtsSynthesizeCall> synthesize_calls_;
  std::vector<std::uint64_t> cancelled_utterance_ids_;
  std::map<std::uint64_t, std::int64_t> audio_sent_ms_;
  bool released_ = false;
};

namespace detail {
// What the engine owns: forwards to the shared FakeTtsSession and releases it when destroyed.
class FakeTtsSessionHandle final : public TtsSession {
 public:
  explicit FakeTtsSessionHandle(std::shared_ptr<FakeTtsSession> session) : session_(std::move(session)) {}
  ~FakeTtsSessionHandle() override { session_->release(); }
  FakeTtsSessionHandle(const FakeTtsSessionHandle&) = delete;
  FakeTtsSessionHandle& operator=(const FakeTtsSessionHandle&) = delete;

  Status synthesize(std::uint64_t utterance_id, std::string_view text,
                    bool end_of_utterance) noexcept override {
    return session_->synthesize(utterance_id, text, end_of_utterance);
  }
  void cancel(std::uint64_t utterance_id) noexcept override { session_->cancel(utterance_id); }

 private:
  std::shared_ptr<FakeTtsSession> session_;
};
}  // namespace detail

class FakeTtsProvider final : public TtsProvider {
 public:
  // μ-law 8 kHz and voice "default" unless told otherwise.
  explicit FakeTtsProvider(AudioFormat output_format = {}, std::string voice = "default")
      : output_format_(output_format), voice_(std::move(voice)) {}

  // Applies to sessions opened afterwards.
  void set_output_format(AudioFormat format) {
    std::lock_guard lock(mutex_);
    output_format_ = format;
  }
  void set_voice(std::string voice) {
    std::lock_guard lock(mutex_);
    voice_ = std::move(voice);
  }
  // Applies to every session, open or opened later.
  void set_auto_mode(bool enabled) {
    std::lock_guard lock(mutex_);
    auto_mode_ = enabled;
    for (const auto& session : sessions_) session->set_auto_mode(enabled);
  }
  // Every open_session() fails with `status` until called again with Status::ok().
  void fail_open_session(Status status) {
    std::lock_guard lock(mutex_);
    open_session_status_ = std::move(status);
  }

  AudioFormat output_format() const noexcept override {
    std::lock_guard lock(mutex_);
    return output_format_;
  }
  // "fake:<voice>"
  std::string voice_key() const override {
    std::lock_guard lock(mutex_);
    return "fake:" + voice_;
  }
  Result<std::unique_ptr<TtsSession>> open_session(const SessionContext& context,
                                                   TtsListener& listener) noexcept override {
    try {
      std::lock_guard lock(mutex_);
      ++open_session_calls_;
      if (!open_session_status_.is_ok()) return open_session_status_;
      auto session = std::make_shared<FakeTtsSession>(listener, output_format_, context.call, auto_mode_);
      sessions_.push_back(session);
      return std::unique_ptr<TtsSession>(std::make_unique<detail::FakeTtsSessionHandle>(session));
    } catch (const std::exception& error) {
      return Status(ErrorCode::internal, error.what());
    }
  }

  std::vector<std::shared_ptr<FakeTtsSession>> sessions() const {
    std::lock_guard lock(mutex_);
    return sessions_;
  }
  // Null before the first session.
  std::shared_ptr<FakeTtsSession> last_session() const {
    std::lock_guard lock(mutex_);
    return sessions_.empty() ? nullptr : sessions_.back();
  }
  std::size_t open_session_calls() const {
    std::lock_guard lock(mutex_);
    return open_session_calls_;
  }

 private:
  mutable std::mutex mutex_;  // guards everything below
  AudioFormat output_format_;
  std::string voice_;
  bool auto_mode_ = false;
  Status open_session_status_;
  std::vector<std::shared_ptr<FakeTtsSession>> sessions_;
  std::size_t open_session_calls_ = 0;
};

}  // namespace callagent::testing
