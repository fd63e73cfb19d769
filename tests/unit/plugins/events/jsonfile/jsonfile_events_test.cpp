#include "plugins/events/jsonfile/jsonfile_events.h"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/fakes/recording_logger.h"
#include "tests/support/child_process.h"
#include "tests/unit/plugins/events/jsonfile/transcript_test_records.h"

namespace callagent::plugins {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using std::chrono::milliseconds;

constexpr std::int64_t kEventTimeUnixMs = 1795521600000;  // 2026-11-24T12:00:00Z
constexpr milliseconds kFlushTimeout = std::chrono::seconds(30);
const std::string kTimestamp = "2026-11-24T10:00:00Z";

// Holds the sink's writer thread before each event until opened, so a test can fill the
// queue while nothing drains it.
class WriterGate {
 public:
  std::function<void()> hook() {
    return [this] {
      std::unique_lock lock(mutex_);
      ++arrivals_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return open_; });
    };
  }
  void wait_for_writer() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return arrivals_ > 0; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int arrivals_ = 0;
  bool open_ = false;
};

class JsonFileEventSinkTest : public ::testing::Test {
 protected:
  void TearDown() override {
    gate_.open();
    sink_.reset();
  }

  // Starts the sink on store_ unless `config` names another directory.
  JsonFileEventSink& start(nlohmann::json config = nlohmann::json::object(),
                           JsonFileEventSinkOptions options = {}) {
    if (!config.contains("directory")) config["directory"] = store_.string();
    config_text_ = config.dump();
    const ProviderContext context{config_text_, logger_, ""};
    auto created = JsonFileEventSink::create(context, std::move(options));
    if (!created) throw std::runtime_error("create failed: " + created.status().message());
    sink_ = std::move(created).value();
    return *sink_;
  }
  JsonFileEventSinkOptions gated_options() {
    JsonFileEventSinkOptions options;
    options.before_each_event = gate_.hook();
    return options;
  }

  static void publish(EventSink& sink, std::string_view type, std::string_view conversation_id,
                      const std::string& payload_json, std::int64_t timestamp_unix_ms = kEventTimeUnixMs) {
    sink.publish(Event{type, conversation_id, timestamp_unix_ms, payload_json});
  }
  static void publish_transcript(EventSink& sink, const Json& record) {
    publish(sink, event_type::transcript_complete, record["conversation_id"].get<std::string>(), record.dump());
  }
  static void publish_message(EventSink& sink, std::string_view conversation_id, int index) {
    publish(sink, event_type::transcript_message, conversation_id,
            Json{{"speaker", "caller"}, {"text", "hello " + std::to_string(index)}}.dump());
  }

  fs::path record_path(const std::string& date, const std::string& stem) const {
    return store_ / date / (stem + ".json");
  }
  static Json read_json(const fs::path& path) { return Json::parse(testing::read_text_file(path)); }
  static std::vector<std::string> read_lines(const fs::path& path) {
    std::vector<std::string> lines;
    std::istringstream text(testing::read_text_file(path));
    for (std::string line; std::getline(text, line);) lines.push_back(line);
    return lines;
  }

  testing::TemporaryDirectory temp_;
  const fs::path store_ = fs::path(temp_.path()) / "store";
  testing::RecordingLogger logger_;  // outlives sink_
  WriterGate gate_;
  std::string config_text_;
  std::unique_ptr<JsonFileEventSink> sink_;
};

TEST_F(JsonFileEventSinkTest, WritesTheRecordAtItsDatedPathWithExactlyThePayload) {
  auto& sink = start();
  EXPECT_TRUE(fs::is_directory(store_)) << "created at start";
  // 23:30 at UTC-2 is the next day in UTC.
  const Json record = testing::make_transcript_record("CA123", "2026-11-24T23:30:00-02:00", 6);
  publish_transcript(sink, record);
  ASSERT_TRUE(sink.flush(kFlushTimeout).is_ok());

  const auto path = record_path("2026-11-25", "CA123");
  ASSERT_TRUE(fs::exists(path));
  EXPECT_EQ(read_json(path), record);
  EXPECT_EQ(read_json(path).dump(), record.dump()) << "keys keep the host's order";
  EXPECT_EQ(testing::files_below(store_), std::vector<std::string>{"2026-11-25/CA123.json"});
  EXPECT_EQ(sink.records_written(), 1u);
  EXPECT_EQ(sink.write_errors(), 0u);
}

TEST_F(JsonFileEventSinkTest, RewritingAConversationReplacesItsRecord) {
  auto& sink = start();
  publish_transcript(sink, testing::make_transcript_record("CA1", kTimestamp, 2));
  const Json second = testing::make_transcript_record("CA1", kTimestamp, 4);
  publish_transcript(sink, second);
  ASSERT_TRUE(sink.flush(kFlushTimeout).is_ok());
  EXPECT_EQ(read_json(record_path("2026-11-24", "CA1")), second);
  EXPECT_EQ(testing::files_below(store_), std::vector<std::string>{"2026-11-24/CA1.json"});
}

TEST_F(JsonFileEventSinkTest, FallsBackToTheEventTimeWithoutAValidTimestamp) {
  auto& sink = start(nlohmann::json{{"fsync", false}});
  Json garbled = testing::make_transcript_record("CAgarbled", "yesterday-ish");
  Json missing = testing::make_transcript_record("CAmissing", kTimestamp);
  missing.erase("timestamp");
  publish_transcript(sink, garbled);
  publish_transcript(sink, missing);
  ASSERT_TRUE(sink.flush(kFlushTimeout).is_ok());
  EXPECT_EQ(read_json(record_path("2026-11-24", "CAgarbled")), garbled);
  EXPECT_EQ(read_json(record_path("2026-11-24", "CAmissing")), missing);
  EXPECT_EQ(logger_.count(LogLevel::warn, "has no valid ISO 8601"), 2u);
}

TEST_F(JsonFileEventSinkTest, TheRecordsOwnConversationIdNamesTheFile) {
  auto& sink = start(nlohmann::json{{"fsync", false}});
  const Json record = testing::make_transcript_record("CApayload", kTimestamp);
  publish(sink, event_type::transcript_complete, "CAevent", record.dump());
  ASSERT_TRUE(sink.flush(kFlushTimeout).is_ok());
  EXPECT_EQ(read_json(record_path("2026-11-24", "CApayload")), record);
}

TEST_F(JsonFileEventSinkTest, FlushWaitsForEverythingPublishedBeforeIt) {
  auto& sink = start(nlohmann::json::object(), gated_options());
  publish_transcript(sink, testing::make_transcript_record("CAwait", kTimestamp));
  gate_.wait_for_writer();

  const Status early = sink.flush(milliseconds(20));
  EXPECT_EQ(early.code(), ErrorCode::timeout) << early.message();
  EXPECT_FALSE(fs::exists(record_path("2026-11-24", "CAwait")));

  gate_.open();
  const Status flushed = sink.flush(kFlushTimeout);
  EXPECT_TRUE(flushed.is_ok()) << flushed.message();
  EXPECT_TRUE(fs::exists(record_path("2026-11-24", "CAwait")));
}

TEST_F(JsonFileEventSinkTest, OverflowDropsOnlyOtherEventsCountsThemAndWarnsOnce) {
  auto& sink = start(nlohmann::json{{"queue_limit", 5}, {"write_events", true}, {"fsync", false}},
                     gated_options());
  publish(sink, event_type::call_started, "CAbusy", R"({"conversation_id":"CAbusy"})");
  gate_.wait_for_writer();  // holds call.started; the queue is empty and nothing drains it

  for (int index = 0; index < 15; ++index) publish_message(sink, "CAbusy", index);  // 5 fit
  for (int index = 0; index < 3; ++index) {
    publish_transcript(sink, testing::make_transcript_record("CAfinal" + std::to_string(index), kTimestamp));
  }
  EXPECT_EQ(sink.events_dropped(), 10u);
  EXPECT_EQ(logger_.count(LogLevel::warn, "event queue full"), 1u);

  gate_.open();
  ASSERT_TRUE(sink.flush(kFlushTimeout).is_ok());
  EXPECT_EQ(sink.records_written(), 3u);
  EXPECT_EQ(sink.events_dropped(), 10u);
  EXPECT_EQ(logger_.count(LogLevel::warn, "event queue full"), 1u);
  EXPECT_EQ(logger_.count(LogLevel::warn, "caught up: 10 events were dropped"), 1u);

  const auto lines = read_lines(store_ / "events" / "CAbusy.jsonl");
  ASSERT_EQ(lines.size(), 6u);  // call.started and the 5 messages that fit
  for (int index = 0; index < 5; ++index) {
    EXPECT_EQ(Json::parse(lines[static_cast<std::size_t>(index) + 1])["payload"]["text"],
              "hello " + std::to_string(index));
  }
}

TEST_F(JsonFileEventSinkTest, TranscriptsAreNeverDroppedOverTheLimit) {
  auto& sink = start(nlohmann::json{{"queue_limit", 1}, {"fsync", false}}, gated_options());
  publish(sink, event_type::call_started, "CA0", "{}");
  gate_.wait_for_writer();
  for (int index = 0; index < 50; ++index) {
    publish_transcript(sink, testing::make_transcript_record("CA" + std::to_string(index), kTimestamp));
    publish_message(sink, "CA" + std::to_string(index), index);
  }
  gate_.open();
  ASSERT_TRUE(sink.flush(kFlushTimeout).is_ok());
  EXPECT_EQ(sink.records_written(), 50u);
  EXPECT_EQ(sink.events_dropped(), 50u);
  for (int index = 0; index < 50; ++index) {
    const std::string id = "CA" + std::to_string(index);
    EXPECT_EQ(read_json(record_path("2026-11-24", id))["conversation_id"], id);
  }
}

TEST_F(JsonFileEventSinkTest, WriteEventsAppendsOneJsonLinePerEvent) {
  auto& sink = start(nlohmann::json{{"write_events", true}});
  publish(sink, event_type::call_started, "CAlog", R"({"conversation_id":"CAlog","direction":"inbound"})", 1000);
  publish_message(sink, "CAlog", 1);
  publish(sink, event_type::call_ended, "CAlog", R"({"reason":"hangup","duration":12})", 3000);
  const Json record = testing::make_transcript_record("CAlog", kTimestamp);
  publish(sink, event_type::transcript_complete, "CAlog", record.dump(), 4000);
  publish(sink, event_type::call_started, "CAother", "{}", 5000);
  ASSERT_TRUE(sink.flush(kFlushTimeout).is_ok());

  const auto lines = read_lines(store_ / "events" / "CAlog.jsonl");
  ASSERT_EQ(lines.size(), 4u);
  const Json first = Json::parse(lines[0]);
  EXPECT_EQ(first.dump(),
            R"({"type":"call.started","conversation_id":"CAlog","timestamp_unix_ms":1000,)"
            R"("payload":{"conversation_id":"CAlog","direction":"inbound"}})");
  EXPECT_EQ(Json::parse(lines[2])["payload"]["reason"], "hangup");
  EXPECT_EQ(Json::parse(lines[3])["type"], "transcript.complete");
  EXPECT_EQ(Json::parse(lines[3])["payload"], record);
  EXPECT_EQ(read_lines(store_ / "events" / "CAother.jsonl").size(), 1u);
  EXPECT_EQ(sink.event_lines_written(), 5u);
  EXPECT_EQ(read_json(record_path("2026-11-24", "CAlog")), record);
}

TEST_F(JsonFileEventSinkTest, WithoutWriteEventsOnlyRecordsAreWritten) {
  auto& sink = start(nlohmann::json{{"fsync", false}});
  publish(sink, event_type::call_started, "CAquiet", "{}");
  publish_transcript(sink, testing::make_transcript_record("CAquiet", kTimestamp));
  ASSERT_TRUE(sink.flush(kFlushTimeout).is_ok());
  EXPECT_EQ(testing::files_below(store_), std::vector<std::string>{"2026-11-24/CAquiet.json"});
}

TEST_F(JsonFileEventSinkTest, UnsafeConversationIdsCannotEscapeTheDirectory) {
  auto& sink = start(nlohmann::json{{"write_events", true}, {"fsync", false}});
  const std::vector<std::string> hostile = {"../escape", "../../escape", "a/b", "..", "/tmp/escape", ""};
  for (const auto& id : hostile) {
    publish(sink, event_type::call_started, id, "{}");
    publish_transcript(sink, testing::make_transcript_record(id, kTimestamp));
  }
  ASSERT_TRUE(sink.flush(kFlushTimeout).is_ok());

  EXPECT_EQ(sink.records_written(), hostile.size());
  std::size_t records = 0;
  for (const auto& file : testing::files_below(temp_.path())) {
    EXPECT_EQ(file.rfind("store/", 0), 0u) << file << " escaped the store";
    const fs::path path(file);
    EXPECT_EQ(path.filename().string().rfind("unsafe-", 0), 0u) << file;
    if (path.parent_path() == "store/2026-11-24") {
      ++records;
      EXPECT_NO_THROW(read_json(fs::path(temp_.path()) / file)) << file;
    }
  }
  EXPECT_EQ(records, hostile.size());
  EXPECT_FALSE(fs::exists(fs::path(temp_.path()) / "escape.json"));
  EXPECT_GE(logger_.count(LogLevel::error, "is not a safe file name"), hostile.size());
  EXPECT_EQ(logger_.count(LogLevel::error, "\"../escape\" is not a safe file name"), 1u)
      << "once per conversation, not per event";
}

TEST_F(JsonFileEventSinkTest, AnUnparseablePayloadIsLoggedCountedAndSkipped) {
  auto& sink = start(nlohmann::json{{"fsync", false}});
  publish(sink, event_type::transcript_complete, "CAbad", "{\"conversation_id\": \"CAbad\", \"tur");
  publish(sink, event_type::transcript_complete, "CAarray", "[1, 2]");
  const Json good = testing::make_transcript_record("CAgood", kTimestamp);
  publish_transcript(sink, good);
  ASSERT_TRUE(sink.flush(kFlushTimeout).is_ok());

  EXPECT_EQ(sink.invalid_payloads(), 2u);
  EXPECT_EQ(logger_.count(LogLevel::error, "\"CAbad\": payload is not valid JSON"), 1u);
  EXPECT_EQ(logger_.count(LogLevel::error, "\"CAarray\": payload is not a JSON object"), 1u);
  EXPECT_EQ(testing::files_below(store_), std::vector<std::string>{"2026-11-24/CAgood.json"});
  EXPECT_EQ(read_json(record_path("2026-11-24", "CAgood")), good);
}

TEST_F(JsonFileEventSinkTest, ManyThreadsPublishingAtOnceLoseNothing) {
  constexpr int kThreads = 8;
  constexpr int kRecordsPerThread = 200;
  // fsync off only to keep the test fast; the crash test covers durability.
  auto& sink = start(nlohmann::json{{"fsync", false}, {"write_events", true}});
  std::vector<std::thread> publishers;
  for (int thread = 0; thread < kThreads; ++thread) {
    publishers.emplace_back([&sink, thread] {
      for (int index = 0; index < kRecordsPerThread; ++index) {
        const std::string id = "T" + std::to_string(thread) + "-" + std::to_string(index);
        publish_message(sink, id, index);
        publish_transcript(sink, testing::make_transcript_record(id, kTimestamp, 4));
      }
    });
  }
  for (auto& publisher : publishers) publisher.join();
  ASSERT_TRUE(sink.flush(kFlushTimeout).is_ok());

  EXPECT_EQ(sink.records_written(), static_cast<std::uint64_t>(kThreads * kRecordsPerThread));
  EXPECT_EQ(sink.events_dropped(), 0u);
  for (int thread = 0; thread < kThreads; ++thread) {
    for (int index = 0; index < kRecordsPerThread; ++index) {
      const std::string id = "T" + std::to_string(thread) + "-" + std::to_string(index);
      ASSERT_EQ(read_json(record_path("2026-11-24", id))["conversation_id"], id);
      ASSERT_EQ(read_lines(store_ / "events" / (id + ".jsonl")).size(), 2u) << id;
    }
  }
  EXPECT_EQ(testing::files_below(store_ / "2026-11-24").size(),
            static_cast<std::size_t>(kThreads * kRecordsPerThread));
}

TEST_F(JsonFileEventSinkTest, TheDestructorWritesEverythingQueuedWithoutAFlush) {
  auto& sink = start(nlohmann::json::object(), gated_options());
  for (int index = 0; index < 40; ++index) {
    publish_transcript(sink, testing::make_transcript_record("CAd" + std::to_string(index), kTimestamp));
  }
  gate_.wait_for_writer();
  std::thread opener([this] {
    std::this_thread::sleep_for(milliseconds(20));  // let the destructor start waiting
    gate_.open();
  });
  sink_.reset();
  opener.join();
  for (int index = 0; index < 40; ++index) {
    EXPECT_TRUE(fs::exists(record_path("2026-11-24", "CAd" + std::to_string(index)))) << index;
  }
}

TEST_F(JsonFileEventSinkTest, AnUnwritableFolderIsLoggedCountedAndSurvived) {
  JsonFileEventSinkOptions options;
  options.retry_backoff = milliseconds(1);
  auto& sink = start(nlohmann::json::object(), options);
  // A file where the date folder should be: every attempt fails, whoever runs the test.
  temp_.write_file("store/2026-11-24", "in the way");

  publish_transcript(sink, testing::make_transcript_record("CAlost", kTimestamp));
  const Status flushed = sink.flush(kFlushTimeout);
  EXPECT_EQ(flushed.code(), ErrorCode::unavailable) << flushed.message();
  EXPECT_EQ(sink.write_errors(), 3u);
  EXPECT_EQ(sink.records_failed(), 1u);
  EXPECT_EQ(sink.records_written(), 0u);
  const std::string folder = (store_ / "2026-11-24").string();
  EXPECT_EQ(logger_.count(LogLevel::error, "cannot create folder " + folder), 3u);
  EXPECT_EQ(logger_.count(LogLevel::error, "giving up on the transcript of conversation \"CAlost\""), 1u);

  // The sink carries on with the next record, and reports the failure only once.
  publish_transcript(sink, testing::make_transcript_record("CAnext", "2026-11-25T08:00:00Z"));
  EXPECT_TRUE(sink.flush(kFlushTimeout).is_ok());
  EXPECT_TRUE(fs::exists(record_path("2026-11-25", "CAnext")));
}

TEST_F(JsonFileEventSinkTest, CreateFailsCleanlyWhenTheDirectoryCannotBeMade) {
  temp_.write_file("a-file", "x");
  const std::string config = nlohmann::json{{"directory", temp_.path() + "/a-file/store"}}.dump();
  const auto created = JsonFileEventSink::create(ProviderContext{config, logger_, ""});
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().code(), ErrorCode::unavailable);
  EXPECT_EQ(created.status().message().rfind("directory: cannot create " + temp_.path() + "/a-file/store", 0), 0u)
      << created.status().message();
}

TEST_F(JsonFileEventSinkTest, StaleTempFilesAreRemovedAtStart) {
  const auto an_hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
  const auto stale_in_date_folder = temp_.write_file("store/2026-11-20/.CA1.json.tmp-7-0-00000000000000aa", "{\"to");
  const auto stale_on_top = temp_.write_file("store/.CA2.json.tmp-7-1-00000000000000bb", "");
  const auto fresh = temp_.write_file("store/2026-11-20/.CA3.json.tmp-8-0-00000000000000cc", "{");
  const auto record = temp_.write_file("store/2026-11-20/CA4.json", "{}");
  for (const auto& path : {stale_in_date_folder, stale_on_top, record}) fs::last_write_time(path, an_hour_ago);

  auto& sink = start();
  ASSERT_TRUE(sink.flush(kFlushTimeout).is_ok());
  EXPECT_EQ(sink.stale_temp_files_removed(), 2u);
  EXPECT_FALSE(fs::exists(stale_in_date_folder));
  EXPECT_FALSE(fs::exists(stale_on_top));
  EXPECT_TRUE(fs::exists(fresh)) << "may belong to a live writer in another process";
  EXPECT_TRUE(fs::exists(record));
  EXPECT_EQ(logger_.count(LogLevel::info, "removed 2 temp files"), 1u);
}

}  // namespace
}  // namespace callagent::plugins
