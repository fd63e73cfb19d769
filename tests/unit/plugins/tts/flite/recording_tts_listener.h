// A TtsListener for tests: keeps every callback in arrival order and lets a test wait, with
// a timeout, until what it expects has arrived.
//
// Threading: thread-safe; sessions call it from their worker threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "callagent/plugin_api/tts.h"

namespace callagent::plugins::testing {

struct TtsEvent {
  enum class Kind { audio, words, done, error };
  Kind kind = Kind::audio;
  std::uint64_t utterance_id = 0;
  // audio
  std::vector<std::uint8_t> audio;  // a copy: the chunk's bytes are valid during the call only
  AudioEncoding encoding = AudioEncoding::mulaw;
  std::uint32_t sample_rate_hz = 0;
  std::int64_t stream_offset_ms = 0;
  // words
  std::vector<TtsWordTiming> words;
  // error
  Status error;
};

class RecordingTtsListener final : public TtsListener {
 public:
  using Events = std::vector<TtsEvent>;
  static constexpr std::chrono::seconds kPatience{30};  // only a hung worker takes this long

  void on_audio(std::uint64_t utterance_id, const AudioChunk& chunk) noexcept override {
    TtsEvent event;
    event.kind = TtsEvent::Kind::audio;
    event.utterance_id = utterance_id;
    event.audio.assign(chunk.data, chunk.data + chunk.size_bytes);
    event.encoding = chunk.encoding;
    event.sample_rate_hz = chunk.sample_rate_hz;
    event.stream_offset_ms = chunk.stream_offset_ms;
    record(std::move(event));
  }
  void on_word_timings(std::uint64_t utterance_id, const std::vector<TtsWordTiming>& words) noexcept override {
    TtsEvent event;
    event.kind = TtsEvent::Kind::words;
    event.utterance_id = utterance_id;
    event.words = words;
    record(std::move(event));
  }
  void on_utterance_done(std::uint64_t utterance_id) noexcept override {
    TtsEvent event;
    event.kind = TtsEvent::Kind::done;
    event.utterance_id = utterance_id;
    record(std::move(event));
  }
  void on_error(std::uint64_t utterance_id, const Status& error) noexcept override {
    TtsEvent event;
    event.kind = TtsEvent::Kind::error;
    event.utterance_id = utterance_id;
    event.error = error;
    record(std::move(event));
  }

  Events events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  Events events_for(std::uint64_t utterance_id) const {
    Events selected;
    for (auto& event : events()) {
      if (event.utterance_id == utterance_id) selected.push_back(std::move(event));
    }
    return selected;
  }
  // True once `condition` holds for the events so far; false after kPatience.
  bool wait_until(const std::function<bool(const Events&)>& condition) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return condition(events_); });
  }
  bool wait_for_kind(std::uint64_t utterance_id, TtsEvent::Kind kind) const {
    return wait_until([&](const Events& events) {
      for (const auto& event : events) {
        if (event.utterance_id == utterance_id && event.kind == kind) return true;
      }
      return false;
    });
  }
  bool wait_for_done(std::uint64_t utterance_id) const {
    return wait_for_kind(utterance_id, TtsEvent::Kind::done);
  }

 private:
  void record(TtsEvent event) noexcept {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(std::move(event));
    }
    changed_.notify_all();
  }

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  Events events_;  // guarded by mutex_
};

}  // namespace callagent::plugins::testing
