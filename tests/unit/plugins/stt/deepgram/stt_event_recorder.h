// An SttListener for the stt_deepgram tests: keeps every event in arrival order, lets a
// test wait (with a generous bound, so a broken build fails instead of hanging) for a
// condition, and counts events that arrive after the test declared the session closed.
//
// Threading: thread-safe; the session's I/O thread calls it while the test reads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "callagent/plugin_api.h"

namespace callagent::plugins::deepgram::testing {

struct SttEvent {
  enum class Kind { speech_started, result, utterance_end, error };
  Kind kind;
  SttResult result;            // result
  std::int64_t time_ms = 0;    // speech_started, utterance_end
  Status error;                // error
  bool recoverable = false;    // error
};

class SttEventRecorder final : public SttListener {
 public:
  void on_result(const SttResult& result) noexcept override { record({SttEvent::Kind::result, result, 0, {}, false}); }
  void on_speech_started(std::int64_t offset_ms) noexcept override {
    record({SttEvent::Kind::speech_started, {}, offset_ms, {}, false});
  }
  void on_utterance_end(std::int64_t last_word_end_ms) noexcept override {
    record({SttEvent::Kind::utterance_end, {}, last_word_end_ms, {}, false});
  }
  void on_error(const Status& error, bool recoverable) noexcept override {
    record({SttEvent::Kind::error, {}, 0, error, recoverable});
  }

  void mark_closed() {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  int events_after_close() const {
    std::lock_guard lock(mutex_);
    return events_after_close_;
  }
  std::vector<SttEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<SttEvent> of(SttEvent::Kind kind) const {
    std::lock_guard lock(mutex_);
    std::vector<SttEvent> kept;
    for (const auto& event : events_) {
      if (event.kind == kind) kept.push_back(event);
    }
    return kept;
  }
  std::vector<SttResult> finals() const {
    std::vector<SttResult> kept;
    for (const auto& event : of(SttEvent::Kind::result)) {
      if (event.result.is_final) kept.push_back(event.result);
    }
    return kept;
  }
  // Waits until `done(events)` holds; false after `limit`.
  bool wait_until(const std::function<bool(const std::vector<SttEvent>&)>& done,
                  std::chrono::milliseconds limit = std::chrono::seconds(10)) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return done(events_); });
  }
  bool wait_for(SttEvent::Kind kind, std::size_t count,
                std::chrono::milliseconds limit = std::chrono::seconds(10)) const {
    return wait_until(
        [&](const std::vector<SttEvent>& events) {
          std::size_t found = 0;
          for (const auto& event : events) found += event.kind == kind ? 1 : 0;
          return found >= count;
        },
        limit);
  }

 private:
  void record(SttEvent event) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) ++events_after_close_;
      events_.push_back(std::move(event));
    }
    changed_.notify_all();
  }

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<SttEvent> events_;
  bool closed_ = false;
  int events_after_close_ = 0;
};

}  // namespace callagent::plugins::deepgram::testing
