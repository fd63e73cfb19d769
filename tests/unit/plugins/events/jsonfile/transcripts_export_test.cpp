// tools/transcripts-export, run as a program on a store written by hand and by the sink.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "plugins/events/jsonfile/jsonfile_events.h"
#include "tests/fakes/recording_logger.h"
#include "tests/support/child_process.h"
#include "tests/unit/plugins/events/jsonfile/transcript_test_records.h"

namespace callagent::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

class TranscriptsExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    add("2026-11-24", "CAb", "2026-11-24T10:00:00Z");
    add("2026-11-24", "CAa", "2026-11-24T10:00:00Z");  // same instant: ordered by id
    add("2026-11-24", "CAlater", "2026-11-24T10:00:00.500Z");
    add("2026-11-24", "CAoffset", "2026-11-24T11:00:00+02:00");  // 09:00 UTC
    add("2026-11-23", "CAearlier", "2026-11-23T08:00:00Z");
    temp_.write_file("store/2026-11-24/.CAc.json.tmp-12-0-00000000000000aa", "{\"torn");
    temp_.write_file("store/events/CAa.jsonl", "{\"type\":\"call.started\"}\n");
    temp_.write_file("store/2026-11-24/notes.txt", "not a record");
  }

  void add(const std::string& date, const std::string& id, const std::string& timestamp) {
    const Json record = make_transcript_record(id, timestamp);
    temp_.write_file("store/" + date + "/" + id + ".json", record.dump(2));
    written_[id] = record;
  }
  static std::vector<std::string> ids_of(const Json& array) {
    std::vector<std::string> ids;
    for (const auto& record : array) ids.push_back(record["conversation_id"].get<std::string>());
    return ids;
  }
  static CompletedProcess run_export(const std::vector<std::string>& arguments) {
    return run_to_completion(TRANSCRIPTS_EXPORT_PATH, arguments);
  }

  TemporaryDirectory temp_;
  const std::string store_ = temp_.path() + "/store";
  std::map<std::string, Json> written_;
  const std::vector<std::string> all_in_order_ = {"CAearlier", "CAoffset", "CAa", "CAb", "CAlater"};
};

TEST_F(TranscriptsExportTest, WritesOneSortedArrayAndNamesTheFilesItSkipped) {
  const std::string broken = temp_.write_file("store/2026-11-24/CAbroken.json", "{\"conversation_id\": \"CAbr");
  const std::string output = temp_.path() + "/transcripts.json";
  const auto result = run_export({store_, "--output", output});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find(broken), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find(".tmp"), std::string::npos) << "temp files are not records: " << result.output;

  const Json exported = Json::parse(read_text_file(output));
  ASSERT_TRUE(exported.is_array());
  EXPECT_EQ(ids_of(exported), all_in_order_);
  for (const auto& record : exported) EXPECT_EQ(record, written_[record["conversation_id"]]);
  for (const auto& file : files_below(temp_.path())) {
    EXPECT_EQ(fs::path(file).filename().string().rfind(".transcripts.json", 0), std::string::npos)
        << "temp output left behind: " << file;
  }
}

TEST_F(TranscriptsExportTest, WritesToStdoutAndExitsZeroWhenEverythingParses) {
  const auto result = run_export({store_});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const Json exported = Json::parse(result.output);
  EXPECT_EQ(ids_of(exported), all_in_order_);
}

TEST_F(TranscriptsExportTest, PicksDateFoldersWithSinceAndUntil) {
  auto result = run_export({store_, "--since", "2026-11-24"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(ids_of(Json::parse(result.output)), (std::vector<std::string>{"CAoffset", "CAa", "CAb", "CAlater"}));

  result = run_export({store_, "--until=2026-11-23"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(ids_of(Json::parse(result.output)), std::vector<std::string>{"CAearlier"});

  result = run_export({store_, "--since", "2027-01-01"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(Json::parse(result.output), Json::array());
}

TEST_F(TranscriptsExportTest, UsageErrorsExitTwoWithAUsageLine) {
  for (const auto& arguments : std::vector<std::vector<std::string>>{
           {},
           {store_, "--since", "2026-02-30"},
           {store_, "--until"},
           {store_, "--bogus"},
           {store_, store_},
           {store_, "--since", "2026-11-25", "--until", "2026-11-24"}}) {
    const auto result = run_export(arguments);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("usage: transcripts-export DIRECTORY"), std::string::npos) << result.output;
  }
}

TEST_F(TranscriptsExportTest, AMissingDirectoryIsAnError) {
  const auto result = run_export({temp_.path() + "/nowhere"});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("nowhere"), std::string::npos) << result.output;
}

TEST(TranscriptsExportRoundTrip, ExportsWhatTheSinkWrote) {
  TemporaryDirectory temp;
  RecordingLogger logger;
  const std::string config = nlohmann::json{{"directory", temp.path()}, {"write_events", true}}.dump();
  std::vector<Json> records;
  {
    auto created = plugins::JsonFileEventSink::create(ProviderContext{config, logger, ""});
    ASSERT_TRUE(created.is_ok()) << created.status().message();
    auto& sink = *created.value();
    for (int index = 0; index < 3; ++index) {
      const std::string id = "CA" + std::to_string(index);
      records.push_back(make_transcript_record(id, "2026-11-2" + std::to_string(4 + index) + "T10:00:00Z", 5));
      const std::string payload = records.back().dump();
      sink.publish(Event{event_type::call_started, id, 0, "{}"});
      sink.publish(Event{event_type::transcript_complete, id, 0, payload});
    }
  }  // the destructor drains
  const auto result = run_to_completion(TRANSCRIPTS_EXPORT_PATH, {temp.path()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(Json::parse(result.output), Json(records));
}

}  // namespace
}  // namespace callagent::testing
