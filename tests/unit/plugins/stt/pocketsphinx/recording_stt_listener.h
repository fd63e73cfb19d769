// An SttListener for the plugin's tests: keeps every event in arrival order, lets a test
// wait for one, and counts events that arrive after the test declared the session closed.
//
// Threading: thread-safe; the session's worker calls it while the test thread reads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "callagent/plugin_api.h"

namespace callagent::plugins::pocketsphinx::testing {

struct SttEvent {
  enum class Kind { speech_started, result, utterance_end, error };
  Kind kind;
  SttResult result;           // result
  std::int64_t offset_ms = 0; // speech_started, utterance_end
  Status error;               // error
};

class RecordingSttListener final : public SttListener {
 public:
  void on_result(const SttResult& result) noexcept override {
    record({SttEvent::Kind::result, result, 0, {}});
  }
  void on_speech_started(std::int64_t stream_offset_ms) noexcept override {
    record({SttEvent::Kind::speech_started, {}, stream_offset_ms, {}});
  }
  void on_utterance_end(std::int64_t last_word_end_ms) noexcept override {
    record({SttEvent::Kind::utterance_end, {}, last_word_end_ms, {}});
  }
  void on_error(const Status& error, bool /*recoverable*/) noexcept override {
    record({SttEvent::Kind::error, {}, 0, error});
  }

  // From now on every event counts as a broken promise (the session was closed).
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
  std::vector<SttResult> finals() const { return results_where([](const SttResult& r) { return r.is_final; }); }
  std::vector<SttResult> interims() const { return results_where([](const SttResult& r) { return !r.is_final; }); }
  std::size_t count(SttEvent::Kind kind) const {
    std::lock_guard lock(mutex_);
    std::size_t found = 0;
    for (const auto& event : events_) found += event.kind == kind ? 1 : 0;
    return found;
  }

  // Waits (up to a generous bound, so a broken build fails instead of hanging) until
  // `count` finals arrived.
  bool wait_for_finals(std::size_t count, std::chrono::seconds timeout = std::chrono::seconds(30)) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
      std::size_t finals = 0;
      for (const auto& event : events_) finals += event.kind == SttEvent::Kind::result && event.result.is_final;
      return finals >= count;
    });
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
  std::vector<SttResult> results_where(const std::function<bool(const SttResult&)>& keep) const {
    std::lock_guard lock(mutex_);
    std::vector<SttResult> kept;
    for (const auto& event : events_) {
      if (event.kind == SttEvent::Kind::result && keep(event.result)) kept.push_back(event.result);
    }
    return kept;
  }

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<SttEvent> events_;
  bool closed_ = false;
  int events_after_close_ = 0;
};

}  // namespace callagent::plugins::pocketsphinx::testing
