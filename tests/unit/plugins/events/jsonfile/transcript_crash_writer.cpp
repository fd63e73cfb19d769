// transcript_crash_writer DIRECTORY PREFIX [MAX_RECORDS]
//
// Test program for TranscriptCrashTest: runs the events_jsonfile sink on DIRECTORY and
// publishes big transcript.complete events (conversation ids PREFIX-0, PREFIX-1, ...) in
// small batches. After each flush() that returns ok it prints "completed <id>" for the
// batch, so everything printed is a promise that the record is durable. Prints "ready" once
// the sink runs. The test kills it with SIGKILL at a random moment.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugins/events/jsonfile/jsonfile_events.h"
#include "tests/unit/plugins/events/jsonfile/transcript_test_records.h"

namespace {

// Warnings and errors go to stderr; the test shows them if it fails.
class StderrLogger final : public callagent::Logger {
 public:
  bool enabled(callagent::LogLevel level) const noexcept override {
    return level >= callagent::LogLevel::warn;
  }
  void log(callagent::LogLevel level, std::string_view message) noexcept override {
    if (!enabled(level)) return;
    std::fprintf(stderr, "transcript_crash_writer: %.*s\n", static_cast<int>(message.size()), message.data());
  }
};

constexpr std::size_t kTurnsPerRecord = 60;
constexpr std::size_t kCharactersPerTurn = 100;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: transcript_crash_writer DIRECTORY PREFIX [MAX_RECORDS]\n");
    return 2;
  }
  const std::string prefix = argv[2];
  const long max_records = argc == 4 ? std::strtol(argv[3], nullptr, 10) : 100000;

  StderrLogger logger;
  const std::string config = nlohmann::json{{"directory", argv[1]}, {"fsync", true}}.dump();
  auto created = callagent::plugins::JsonFileEventSink::create(callagent::ProviderContext{config, logger, ""});
  if (!created) {
    std::fprintf(stderr, "transcript_crash_writer: %s\n", created.status().message().c_str());
    return 1;
  }
  auto& sink = *created.value();
  std::printf("ready\n");
  std::fflush(stdout);

  const pid_t parent = ::getppid();
  std::vector<std::string> batch;
  for (long index = 0; index < max_records;) {
    // Batches of 1..4, so a kill can land with several records queued.
    const long batch_size = index % 4 + 1;
    batch.clear();
    for (long in_batch = 0; in_batch < batch_size && index < max_records; ++in_batch, ++index) {
      const std::string id = prefix + "-" + std::to_string(index);
      const std::string timestamp = index % 2 == 0 ? "2026-11-24T10:00:00Z" : "2026-11-25T10:00:00Z";
      auto record = callagent::testing::make_transcript_record(id, timestamp, kTurnsPerRecord, kCharactersPerTurn);
      record["writer_pid"] = ::getpid();
      const std::string payload = record.dump();
      const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
      sink.publish(callagent::Event{callagent::event_type::transcript_complete, id, now_ms, payload});
      batch.push_back(id);
    }
    const callagent::Status flushed = sink.flush(std::chrono::seconds(10));
    if (!flushed) {
      std::fprintf(stderr, "transcript_crash_writer: flush failed: %s\n", flushed.message().c_str());
      return 1;
    }
    for (const auto& id : batch) std::printf("completed %s\n", id.c_str());
    std::fflush(stdout);
    // Orphaned (the test died): stop rather than fill the disk.
    if (::getppid() != parent) return 1;
  }
  return 0;
}
