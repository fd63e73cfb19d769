// "A test kills a writing process with SIGKILL in mid-write, many times, and the transcript
// store still parses with every conversation that was completed before the kill."
#include <signal.h>

#include <chrono>
#include <iostream>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tests/unit/plugins/events/jsonfile/transcript_test_records.h"

namespace callagent::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kRuns = 36;
// Every few runs two writers share the folder and the conversation ids.
constexpr int kPairEvery = 6;
constexpr std::size_t kTurnsPerRecord = 60;  // as transcript_crash_writer writes them

// Ids the writer promised ("completed <id>" on a whole line) before it died.
std::vector<std::string> completed_ids(const std::string& output) {
  std::vector<std::string> ids;
  std::size_t line_start = 0;
  for (std::size_t line_end; (line_end = output.find('\n', line_start)) != std::string::npos;
       line_start = line_end + 1) {
    const std::string line = output.substr(line_start, line_end - line_start);
    if (line.rfind("completed ", 0) == 0) ids.push_back(line.substr(10));
  }
  return ids;
}

TEST(TranscriptCrashTest, SurvivesSigkillMidWrite) {
  TemporaryDirectory temp;
  const fs::path store = fs::path(temp.path()) / "store";
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("random seed " + std::to_string(seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> kill_delay_ms(2, 100);

  std::set<std::string> promised;
  std::size_t killed_mid_run = 0;
  for (int run = 0; run < kRuns; ++run) {
    const std::string prefix = "run" + std::to_string(run);
    const int writer_count = run % kPairEvery == kPairEvery - 1 ? 2 : 1;
    std::vector<std::unique_ptr<ChildProcess>> writers;
    for (int writer = 0; writer < writer_count; ++writer) {
      writers.push_back(std::make_unique<ChildProcess>(TRANSCRIPT_CRASH_WRITER_PATH,
                                                       std::vector<std::string>{store.string(), prefix}));
    }
    for (auto& writer : writers) {
      ASSERT_TRUE(writer->wait_for_output(std::regex("ready\n"), std::chrono::seconds(10)))
          << writer->output();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_delay_ms(random)));
    for (auto& writer : writers) writer->send_signal(SIGKILL);
    for (auto& writer : writers) {
      const auto exit_code = writer->wait_for_exit(std::chrono::seconds(10));
      ASSERT_TRUE(exit_code.has_value());
      EXPECT_EQ(*exit_code, 128 + SIGKILL) << writer->output();
      if (*exit_code == 128 + SIGKILL) ++killed_mid_run;
      // Until the pipes close, so every line printed before the kill is in.
      writer->wait_for_output(std::regex("\x01"), std::chrono::seconds(5));
      for (auto& id : completed_ids(writer->output())) promised.insert(std::move(id));
    }
  }
  EXPECT_GE(killed_mid_run, static_cast<std::size_t>(kRuns));
  ASSERT_FALSE(promised.empty()) << "no writer completed a record before its kill";

  // Every file a reader would look at is a whole record; leftovers are dot-files only.
  std::map<std::string, nlohmann::json> records;
  std::size_t leftover_temp_files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(store)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (name.front() == '.') {
      EXPECT_NE(name.find(".tmp"), std::string::npos) << name;
      ++leftover_temp_files;
      continue;
    }
    ASSERT_EQ(entry.path().extension(), ".json") << entry.path();
    const auto record = nlohmann::json::parse(read_text_file(entry.path()), nullptr, false);
    ASSERT_FALSE(record.is_discarded()) << "torn record " << entry.path();
    ASSERT_TRUE(record.is_object()) << entry.path();
    EXPECT_EQ(record["conversation_id"], entry.path().stem().string());
    EXPECT_EQ(record["turns"].size(), kTurnsPerRecord) << entry.path();
    records.emplace(entry.path().stem().string(), record);
  }
  for (const auto& id : promised) {
    EXPECT_TRUE(records.count(id) == 1) << "completed before the kill but missing: " << id;
  }
  std::cout << "[          ] " << kRuns << " runs killed, " << promised.size()
            << " records promised, " << records.size() << " on disk, " << leftover_temp_files
            << " temp files left by kills\n";
}

}  // namespace
}  // namespace callagent::testing
