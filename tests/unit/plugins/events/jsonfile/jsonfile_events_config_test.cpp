#include "plugins/events/jsonfile/jsonfile_events_config.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "plugins/events/jsonfile/jsonfile_events.h"
#include "tests/support/child_process.h"

namespace callagent::plugins {
namespace {

std::string error_of(std::string_view config_json) {
  const auto parsed = parse_jsonfile_events_config(config_json);
  EXPECT_FALSE(parsed.is_ok()) << config_json;
  EXPECT_EQ(parsed.status().code(), ErrorCode::invalid_config) << config_json;
  return parsed.status().message();
}

TEST(JsonFileEventsConfig, DefaultsForAnEmptyObjectOrNoText) {
  for (const std::string_view text : {"{}", "", "  \n"}) {
    const auto parsed = parse_jsonfile_events_config(text);
    ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
    EXPECT_EQ(parsed.value().directory, "transcripts");
    EXPECT_TRUE(parsed.value().fsync);
    EXPECT_FALSE(parsed.value().write_events);
    EXPECT_EQ(parsed.value().queue_limit, 10000u);
  }
}

TEST(JsonFileEventsConfig, ReadsEveryKey) {
  const auto parsed = parse_jsonfile_events_config(
      R"({"directory": "/var/lib/calls", "fsync": false, "write_events": true, "queue_limit": 5})");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
  EXPECT_EQ(parsed.value().directory, "/var/lib/calls");
  EXPECT_FALSE(parsed.value().fsync);
  EXPECT_TRUE(parsed.value().write_events);
  EXPECT_EQ(parsed.value().queue_limit, 5u);
}

TEST(JsonFileEventsConfig, NamesTheKeyInEveryError) {
  EXPECT_EQ(error_of(R"({"queue_limit": 0})"), "queue_limit: expected an integer >= 1");
  EXPECT_EQ(error_of(R"({"queue_limit": -3})"), "queue_limit: expected an integer >= 1");
  EXPECT_EQ(error_of(R"({"queue_limit": 2.5})"), "queue_limit: expected an integer >= 1");
  EXPECT_EQ(error_of(R"({"queue_limit": "10"})"), "queue_limit: expected an integer >= 1");
  EXPECT_EQ(error_of(R"({"fsync": "yes"})"), "fsync: expected a boolean");
  EXPECT_EQ(error_of(R"({"write_events": 1})"), "write_events: expected a boolean");
  EXPECT_EQ(error_of(R"({"directory": ""})"), "directory: expected a non-empty string");
  EXPECT_EQ(error_of(R"({"directory": 7})"), "directory: expected a non-empty string");
  EXPECT_EQ(error_of(R"({"directory": "a\u0000b"})"), "directory: must not contain a NUL character");
}

TEST(JsonFileEventsConfig, RefusesUnknownKeys) {
  EXPECT_EQ(error_of(R"({"directory": "x", "fsynk": true})"),
            "fsynk: unknown key (known: directory, fsync, write_events, queue_limit)");
}

TEST(JsonFileEventsConfig, RefusesWhatIsNotAnObject) {
  EXPECT_EQ(error_of("[]"), "expected a JSON object");
  EXPECT_EQ(error_of("{\"directory\": "), "expected a JSON object, got text that is not JSON");
}

TEST(JsonFileEventsConfig, ValidateConfigCreatesNothing) {
  testing::TemporaryDirectory temp;
  const auto directory = std::filesystem::path(temp.path()) / "not" / "yet";
  const nlohmann::json config = {{"directory", directory.string()}};
  EXPECT_TRUE(JsonFileEventSink::validate_config(config.dump()).is_ok());
  EXPECT_FALSE(std::filesystem::exists(directory));
  EXPECT_EQ(JsonFileEventSink::validate_config(R"({"queue_limit": 0})").code(), ErrorCode::invalid_config);
}

}  // namespace
}  // namespace callagent::plugins
