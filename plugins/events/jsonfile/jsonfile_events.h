// events_jsonfile: the transcript store. Each transcript.complete event becomes one file,
// <directory>/<YYYY-MM-DD>/<conversation_id>.json, written atomically (see
// atomic_file_writer.h); optionally every event is also appended to
// <directory>/events/<conversation_id>.jsonl.
//
// Threading: publish() and flush() may be called from any thread at once. publish() only
// copies the event into a bounded queue under a short lock; one writer thread per sink,
// started by create() and joined by the destructor, does all file I/O in publish order.
//
// Lifetime: the logger handed to create() must outlive the sink (the host guarantees it for
// a provider). The destructor writes everything still queued, then joins the thread, so
// shutdown never loses a transcript that was published.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "callagent/plugin_api/event_sink.h"
#include "callagent/plugin_api/logger.h"
#include "callagent/plugin_api/plugin.h"
#include "callagent/plugin_api/provider.h"
#include "callagent/plugin_api/status.h"
#include "event_log_appender.h"
#include "jsonfile_events_config.h"

namespace callagent::plugins {

// Tuning that is not part of the config; tests shorten or hook into it.
struct JsonFileEventSinkOptions {
  // Tries per transcript before it is given up (logged at error level with its id).
  int transcript_write_attempts = 3;
  // Wait before retry n is n times this.
  std::chrono::milliseconds retry_backoff{100};
  // Temp files older than this, found at start-up, are a crashed writer's leftovers.
  std::chrono::seconds stale_temp_file_age{std::chrono::minutes(10)};
  // Event log files kept open at once.
  std::size_t max_open_event_logs = 64;
  // Test hook, called on the writer thread before it handles each event; may block.
  std::function<void()> before_each_event;
};

class JsonFileEventSink final : public EventSink {
 public:
  // No side effects: parses and checks the config subtree only.
  static Status validate_config(std::string_view config_json);
  // Creates the directory if missing (an error if that fails) and starts the writer thread.
  static Result<std::unique_ptr<JsonFileEventSink>> create(const ProviderContext& context);
  static Result<std::unique_ptr<JsonFileEventSink>> create(const ProviderContext& context,
                                                           JsonFileEventSinkOptions options);

  // Writes everything queued, then joins the writer thread.
  ~JsonFileEventSink() override;

  // Never blocks on I/O. Over queue_limit, events other than transcript.complete are
  // dropped and counted; a transcript.complete is always queued.
  void publish(const Event& event) noexcept override;
  // Waits until every event published before the call is written (and durable with fsync
  // on). ErrorCode::timeout when that takes longer than `timeout`; ErrorCode::unavailable
  // when transcripts were given up since the previous flush.
  Status flush(std::chrono::milliseconds timeout) noexcept override;

  // Counters since creation, for tests and diagnostics. Thread-safe.
  std::uint64_t records_written() const noexcept { return records_written_.load(); }
  std::uint64_t records_failed() const noexcept { return records_failed_.load(); }
  std::uint64_t event_lines_written() const noexcept { return event_lines_written_.load(); }
  std::uint64_t events_dropped() const noexcept { return events_dropped_.load(); }
  std::uint64_t write_errors() const noexcept { return write_errors_.load(); }
  std::uint64_t invalid_payloads() const noexcept { return invalid_payloads_.load(); }
  // Files named after a sanitized id (a record and its event log count separately).
  std::uint64_t unsafe_conversation_ids() const noexcept { return unsafe_conversation_ids_.load(); }
  std::uint64_t stale_temp_files_removed() const noexcept { return stale_temp_files_removed_.load(); }
  const std::filesystem::path& directory() const noexcept { return directory_; }

 private:
  struct QueuedEvent {
    std::string type;
    std::string conversation_id;
    std::int64_t timestamp_unix_ms = 0;
    std::string payload_json;
  };

  JsonFileEventSink(JsonFileEventsConfig config, std::filesystem::path directory, Logger& logger,
                    JsonFileEventSinkOptions options);

  // Writer thread only.
  void run_writer();
  void remove_stale_temp_files_at_start();
  void handle(const QueuedEvent& event);
  void append_event_line(const QueuedEvent& event, const std::string& file_stem,
                         const std::string& line);
  void write_transcript(const QueuedEvent& event, const std::string& record_json,
                        const std::string& conversation_id, const std::string& file_stem,
                        const std::string& date);
  Status ensure_folder(const std::filesystem::path& folder);
  void note_unsafe_conversation_id(const std::string& conversation_id, const std::string& file_stem);

  const JsonFileEventsConfig config_;
  const std::filesystem::path directory_;  // absolute
  Logger& logger_;
  const JsonFileEventSinkOptions options_;

  // Guards the queue and the progress counters below; never held during I/O or logging.
  std::mutex mutex_;
  std::condition_variable queue_changed_;  // writer waits: new event or stopping
  std::condition_variable progress_made_;  // flush waits: durable_count_ advanced
  std::deque<QueuedEvent> queue_;
  std::uint64_t accepted_count_ = 0;  // events queued since creation
  std::uint64_t durable_count_ = 0;   // of those, handled and synced, in order
  bool start_up_cleanup_done_ = false;
  bool stopping_ = false;
  bool overflowing_ = false;           // dropping events until the writer catches up
  std::uint64_t dropped_in_overflow_ = 0;
  std::uint64_t failures_reported_by_flush_ = 0;

  // Writer thread only.
  EventLogAppender event_logs_;
  std::set<std::filesystem::path> known_folders_;
  std::string last_unsafe_conversation_id_;

  std::atomic<std::uint64_t> records_written_{0};
  std::atomic<std::uint64_t> records_failed_{0};
  std::atomic<std::uint64_t> event_lines_written_{0};
  std::atomic<std::uint64_t> events_dropped_{0};
  std::atomic<std::uint64_t> write_errors_{0};
  std::atomic<std::uint64_t> invalid_payloads_{0};
  std::atomic<std::uint64_t> unsafe_conversation_ids_{0};
  std::atomic<std::uint64_t> stale_temp_files_removed_{0};

  std::thread writer_;  // last: starts after every member above exists
};

}  // namespace callagent::plugins
