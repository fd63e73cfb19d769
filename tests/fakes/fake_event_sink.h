// An EventSink that keeps a copy of every event, for tests that check what the engine
// published (transcripts, tool calls, metrics, call end).
//
// Threading: thread-safe; publish() may come from any thread. No threads of its own.
// wait_for_events() lets a test whose engine runs on worker threads wait without sleeping.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callagent/plugin_api.h"

namespace callagent::testing {

// An owning copy of an Event (whose views die with publish()).
struct RecordedEvent {
  std::string type;
  std::string conversation_id;
  std::int64_t timestamp_unix_ms = 0;
  std::string payload_json;
};

class FakeEventSink final : public EventSink {
 public:
  void publish(const Event& event) noexcept override {
    try {
      std::lock_guard lock(mutex_);
      events_.push_back({std::string(event.type), std::string(event.conversation_id),
                         event.timestamp_unix_ms, std::string(event.payload_json)});
    } catch (...) {
      return;  // out of memory in a test: the missing event will fail the assertion instead
    }
    published_.notify_all();
  }
  Status flush(std::chrono::milliseconds /*timeout*/) noexcept override {
    std::lock_guard lock(mutex_);
    ++flush_count_;
    return flush_status_;
  }

  // flush() returns `status` from now on (ok by default).
  void set_flush_status(Status status) {
    std::lock_guard lock(mutex_);
    flush_status_ = std::move(status);
  }

  std::vector<RecordedEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<RecordedEvent> events_of_type(std::string_view type) const {
    std::lock_guard lock(mutex_);
    std::vector<RecordedEvent> matching;
    std::copy_if(events_.begin(), events_.end(), std::back_inserter(matching),
                 [type](const RecordedEvent& event) { return event.type == type; });
    return matching;
  }
  // Empty when no event of that type was published.
  std::optional<RecordedEvent> last_event_of_type(std::string_view type) const {
    std::lock_guard lock(mutex_);
    const auto found = std::find_if(events_.rbegin(), events_.rend(),
                                    [type](const RecordedEvent& event) { return event.type == type; });
    if (found == events_.rend()) return std::nullopt;
    return *found;
  }
  std::size_t event_count() const {
    std::lock_guard lock(mutex_);
    return events_.size();
  }
  int flush_count() const {
    std::lock_guard lock(mutex_);
    return flush_count_;
  }
  // Waits until at least `count` events of `type` were published; false on timeout.
  bool wait_for_events(std::string_view type, std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return published_.wait_for(lock, timeout, [&] {
      return static_cast<std::size_t>(std::count_if(events_.begin(), events_.end(), [type](const RecordedEvent& event) {
               return event.type == type;
             })) >= count;
    });
  }

 private:
  mutable std::mutex mutex_;  // guards everything below
  mutable std::condition_variable published_;
  std::vector<RecordedEvent> events_;
  Status flush_status_;
  int flush_count_ = 0;
};

}  // namespace callagent::testing
