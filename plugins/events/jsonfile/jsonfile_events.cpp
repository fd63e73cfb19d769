#include "jsonfile_events.h"

#include "callagent/plugin_api/thread_name.h"

#include <algorithm>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "atomic_file_writer.h"
#include "transcript_file_naming.h"

namespace callagent::plugins {
namespace {

// ordered_json keeps the host's key order in the files people read.
using Json = nlohmann::ordered_json;

constexpr auto kInvalidUtf8 = Json::error_handler_t::replace;
// Under a steady stream the writer makes event logs durable at least this often.
constexpr std::uint64_t kEventsPerSync = 256;
constexpr std::string_view kEventsFolderName = "events";

// A conversation id or event type as a JSON string: quoted, control characters escaped,
// so a hostile id cannot forge log lines.
std::string json_quoted(std::string_view text) {
  return Json(std::string(text)).dump(-1, ' ', false, kInvalidUtf8);
}

}  // namespace

Status JsonFileEventSink::validate_config(std::string_view config_json) {
  return parse_jsonfile_events_config(config_json).status();
}

Result<std::unique_ptr<JsonFileEventSink>> JsonFileEventSink::create(const ProviderContext& context) {
  return create(context, JsonFileEventSinkOptions{});
}

Result<std::unique_ptr<JsonFileEventSink>> JsonFileEventSink::create(
    const ProviderContext& context, JsonFileEventSinkOptions options) {
  auto parsed = parse_jsonfile_events_config(context.config_json);
  if (!parsed) return parsed.status();
  JsonFileEventsConfig config = std::move(parsed).value();

  // Resolved once, so a later change of working directory does not move the store.
  std::error_code error;
  const std::filesystem::path directory =
      std::filesystem::absolute(config.directory, error).lexically_normal();
  if (error) {
    return Status(ErrorCode::unavailable,
                  "directory: cannot resolve " + json_quoted(config.directory) + ": " + error.message());
  }
  const bool created = std::filesystem::create_directories(directory, error);
  if (error) {
    return Status(ErrorCode::unavailable,
                  "directory: cannot create " + directory.string() + ": " + error.message());
  }
  if (!std::filesystem::is_directory(directory, error)) {
    return Status(ErrorCode::unavailable, "directory: " + directory.string() + " is not a folder");
  }
  if (created && config.fsync) {
    if (const Status synced = fsync_folder(directory.parent_path()); !synced) {
      context.logger.warn(synced.message());
    }
  }
  context.logger.info("writing transcripts to " + directory.string() + " (fsync " +
                      (config.fsync ? "on" : "off") + ", event logs " +
                      (config.write_events ? "on" : "off") +
                      ", queue_limit " + std::to_string(config.queue_limit) + ")");
  return std::unique_ptr<JsonFileEventSink>(
      new JsonFileEventSink(std::move(config), directory, context.logger, std::move(options)));
}

JsonFileEventSink::JsonFileEventSink(JsonFileEventsConfig config, std::filesystem::path directory,
                                     Logger& logger, JsonFileEventSinkOptions options)
    : config_(std::move(config)),
      directory_(std::move(directory)),
      logger_(logger),
      options_(std::move(options)),
      event_logs_(config_.fsync, options_.max_open_event_logs) {
  writer_ = std::thread([this] {
    name_this_thread("events-jsonfile");
    run_writer();
  });
}

JsonFileEventSink::~JsonFileEventSink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queue_changed_.notify_all();
  if (writer_.joinable()) writer_.join();
  logger_.info("stopped: " + std::to_string(records_written_.load()) + " transcripts written, " +
               std::to_string(records_failed_.load()) + " failed, " +
               std::to_string(events_dropped_.load()) + " events dropped");
}

void JsonFileEventSink::publish(const Event& event) noexcept {
  try {
    const bool is_transcript = event.type == event_type::transcript_complete;
    // Copied before taking the lock, so publishers hold it only to move a few pointers.
    QueuedEvent queued{std::string(event.type), std::string(event.conversation_id),
                       event.timestamp_unix_ms, std::string(event.payload_json)};
    bool accepted = true;
    bool overflow_started = false;
    {
      std::lock_guard lock(mutex_);
      if (!is_transcript && queue_.size() >= config_.queue_limit) {
        accepted = false;
        ++dropped_in_overflow_;
        overflow_started = !std::exchange(overflowing_, true);
      } else {
        queue_.push_back(std::move(queued));
        ++accepted_count_;
      }
    }
    if (accepted) {
      queue_changed_.notify_one();
      return;
    }
    ++events_dropped_;
    if (overflow_started) {
      logger_.warn("event queue full (queue_limit " + std::to_string(config_.queue_limit) +
                   "): dropping events other than transcript.complete until the writer catches up");
    }
  } catch (...) {
    ++events_dropped_;
    logger_.error("could not queue an event (out of memory): dropped");
  }
}

Status JsonFileEventSink::flush(std::chrono::milliseconds timeout) noexcept {
  try {
    // condition_variable::wait_for adds the timeout to now(): keep it from overflowing.
    const auto bounded_timeout = std::min(timeout, std::chrono::milliseconds(std::chrono::hours(24 * 365)));
    std::unique_lock lock(mutex_);
    const std::uint64_t target = accepted_count_;
    const bool done = progress_made_.wait_for(lock, bounded_timeout, [&] {
      return start_up_cleanup_done_ && durable_count_ >= target;
    });
    if (!done) {
      return Status(ErrorCode::timeout, std::to_string(target - std::min(target, durable_count_)) +
                                            " events still not written after " +
                                            std::to_string(timeout.count()) + " ms");
    }
    const std::uint64_t failed = records_failed_.load();
    if (failed != failures_reported_by_flush_) {
      const std::uint64_t newly_failed = failed - failures_reported_by_flush_;
      failures_reported_by_flush_ = failed;
      return Status(ErrorCode::unavailable, std::to_string(newly_failed) +
                                                " transcripts could not be written (see the errors logged)");
    }
    return Status::ok();
  } catch (...) {
    return Status(ErrorCode::internal, "flush failed unexpectedly");
  }
}

void JsonFileEventSink::run_writer() {
  remove_stale_temp_files_at_start();
  std::unique_lock lock(mutex_);
  start_up_cleanup_done_ = true;
  progress_made_.notify_all();
  std::uint64_t handled_count = durable_count_;
  while (true) {
    const bool caught_up = queue_.empty();
    const bool sync_due =
        handled_count != durable_count_ && (caught_up || handled_count - durable_count_ >= kEventsPerSync);
    const bool overflow_over = caught_up && overflowing_;
    if (sync_due || overflow_over) {
      std::uint64_t dropped = 0;
      if (overflow_over) {
        overflowing_ = false;
        dropped = std::exchange(dropped_in_overflow_, 0);
      }
      lock.unlock();
      if (overflow_over) {
        logger_.warn("event queue caught up: " + std::to_string(dropped) + " events were dropped");
      }
      if (sync_due) {
        if (const Status synced = event_logs_.sync(); !synced) {
          ++write_errors_;
          logger_.error(synced.message());
        }
      }
      lock.lock();
      durable_count_ = handled_count;
      progress_made_.notify_all();
      continue;
    }
    if (caught_up) {
      if (stopping_) break;
      queue_changed_.wait(lock);
      continue;
    }
    QueuedEvent event = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    handle(event);
    ++handled_count;
    lock.lock();
  }
}

void JsonFileEventSink::remove_stale_temp_files_at_start() {
  try {
    // Temp files live beside their targets: in the date folders (and, from older layouts,
    // the top folder).
    std::vector<std::filesystem::path> folders{directory_};
    std::error_code error;
    for (std::filesystem::directory_iterator entry(directory_, error), end; !error && entry != end;
         entry.increment(error)) {
      std::error_code type_error;
      if (entry->is_directory(type_error)) folders.push_back(entry->path());
    }
    if (error) logger_.warn("cannot list " + directory_.string() + ": " + error.message());
    std::size_t removed = 0;
    for (const auto& folder : folders) {
      const auto cleanup = remove_stale_temp_files(folder, options_.stale_temp_file_age);
      removed += cleanup.removed;
      for (const auto& line : cleanup.errors) logger_.warn(line);
    }
    stale_temp_files_removed_ += removed;
    if (removed > 0) {
      logger_.info("removed " + std::to_string(removed) + " temp files left by an interrupted writer");
    }
  } catch (const std::exception& error) {
    logger_.warn(std::string("start-up cleanup of temp files failed: ") + error.what());
  }
}

void JsonFileEventSink::handle(const QueuedEvent& event) {
  try {
    if (options_.before_each_event) options_.before_each_event();
    Json payload = Json::parse(event.payload_json, nullptr, /*allow_exceptions=*/false);
    if (payload.is_discarded() || !payload.is_object()) {
      ++invalid_payloads_;
      logger_.error(json_quoted(event.type) + " event of conversation " + json_quoted(event.conversation_id) +
                    ": payload is " + (payload.is_discarded() ? "not valid JSON" : "not a JSON object") +
                    "; not written");
      return;
    }
    const bool is_transcript = event.type == event_type::transcript_complete;
    std::string record_json;
    std::string record_conversation_id = event.conversation_id;
    std::string date;
    if (is_transcript) {
      // The record names itself; the event's id is the fallback.
      if (const auto found = payload.find("conversation_id");
          found != payload.end() && found->is_string() && !found->get_ref<const std::string&>().empty()) {
        record_conversation_id = found->get<std::string>();
      }
      std::optional<std::string> record_date;
      if (const auto found = payload.find("timestamp"); found != payload.end() && found->is_string()) {
        record_date = utc_date_of_iso8601(found->get_ref<const std::string&>());
      }
      if (!record_date) {
        logger_.warn("transcript of conversation " + json_quoted(record_conversation_id) +
                     " has no valid ISO 8601 \"timestamp\"; filed under the event's date");
        record_date = utc_date_of_unix_ms(event.timestamp_unix_ms);
      }
      date = std::move(*record_date);
      record_json = payload.dump(2, ' ', false, kInvalidUtf8) + "\n";
    }
    if (config_.write_events) {
      const FileStem stem = file_stem_for(event.conversation_id);
      if (!stem.as_given) note_unsafe_conversation_id(event.conversation_id, stem.name);
      Json line;
      line["type"] = event.type;
      line["conversation_id"] = event.conversation_id;
      line["timestamp_unix_ms"] = event.timestamp_unix_ms;
      line["payload"] = std::move(payload);
      append_event_line(event, stem.name, line.dump(-1, ' ', false, kInvalidUtf8) + "\n");
    }
    if (is_transcript) {
      const FileStem stem = file_stem_for(record_conversation_id);
      if (!stem.as_given) note_unsafe_conversation_id(record_conversation_id, stem.name);
      write_transcript(event, record_json, record_conversation_id, stem.name, date);
    }
  } catch (const std::exception& error) {
    ++write_errors_;
    logger_.error(json_quoted(event.type) + " event of conversation " + json_quoted(event.conversation_id) +
                  " not written: " + error.what());
  } catch (...) {
    ++write_errors_;
    logger_.error("an event could not be written (unknown error)");
  }
}

void JsonFileEventSink::append_event_line(const QueuedEvent& event, const std::string& file_stem,
                                          const std::string& line) {
  const auto folder = directory_ / kEventsFolderName;
  const auto file = folder / (file_stem + ".jsonl");
  Status appended = ensure_folder(folder);
  if (appended) appended = event_logs_.append(file, line);
  if (!appended) {
    ++write_errors_;
    known_folders_.erase(folder);
    logger_.error(appended.message() + " (" + json_quoted(event.type) + " event of conversation " +
                  json_quoted(event.conversation_id) + " not logged)");
    return;
  }
  ++event_lines_written_;
  if (event.type == event_type::transcript_complete) {
    // The call is over: its log needs no open descriptor any more.
    if (const Status released = event_logs_.release(file); !released) {
      ++write_errors_;
      logger_.error(released.message());
    }
  }
}

void JsonFileEventSink::write_transcript(const QueuedEvent& event, const std::string& record_json,
                                         const std::string& conversation_id,
                                         const std::string& file_stem, const std::string& date) {
  const auto folder = directory_ / date;
  const std::string file_name = file_stem + ".json";
  const int attempts = std::max(1, options_.transcript_write_attempts);
  for (int attempt = 1;; ++attempt) {
    Status written = ensure_folder(folder);
    if (written) written = write_file_atomically(folder, file_name, record_json, config_.fsync);
    if (written) {
      ++records_written_;
      if (logger_.enabled(LogLevel::debug)) {
        logger_.debug("saved the transcript of conversation " + json_quoted(conversation_id) + " to " +
                      (folder / file_name).string());
      }
      return;
    }
    ++write_errors_;
    // The folder may have been removed under us: look again next time.
    known_folders_.erase(folder);
    if (attempt >= attempts) {
      ++records_failed_;
      logger_.error("giving up on the transcript of conversation " + json_quoted(conversation_id) +
                    " (event time " + std::to_string(event.timestamp_unix_ms) + " ms) after " +
                    std::to_string(attempts) + " attempts: " + written.message());
      return;
    }
    const auto delay = options_.retry_backoff * attempt;
    logger_.error(written.message() + " (transcript of conversation " + json_quoted(conversation_id) +
                  ", attempt " + std::to_string(attempt) + " of " + std::to_string(attempts) +
                  "; retrying in " + std::to_string(delay.count()) + " ms)");
    std::this_thread::sleep_for(delay);
  }
}

Status JsonFileEventSink::ensure_folder(const std::filesystem::path& folder) {
  if (known_folders_.count(folder) != 0) return Status::ok();
  std::error_code error;
  const bool created = std::filesystem::create_directories(folder, error);
  if (error) {
    return Status(ErrorCode::unavailable, "cannot create folder " + folder.string() + ": " + error.message());
  }
  if (created && config_.fsync) {
    // The new folder's own entry must be durable before files in it count as written.
    if (Status synced = fsync_folder(folder.parent_path()); !synced) return synced;
  }
  known_folders_.insert(folder);
  return Status::ok();
}

void JsonFileEventSink::note_unsafe_conversation_id(const std::string& conversation_id,
                                                    const std::string& file_stem) {
  ++unsafe_conversation_ids_;
  // One line per offending conversation, not one per event of it.
  if (conversation_id == last_unsafe_conversation_id_) return;
  last_unsafe_conversation_id_ = conversation_id;
  logger_.error("conversation id " + json_quoted(conversation_id) +
                " is not a safe file name (1-128 letters, digits, '-', '_'); its files are named " +
                file_stem);
}

}  // namespace callagent::plugins
