// The plugin's entry point, as the host's loader sees it (compiled into the test from
// plugins/events/jsonfile/plugin.cpp).
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "callagent/plugin_api/event_sink.h"
#include "callagent/plugin_api/plugin.h"
#include "tests/fakes/recording_logger.h"
#include "tests/support/child_process.h"
#include "tests/unit/plugins/events/jsonfile/transcript_test_records.h"

extern "C" const callagent::PluginInfo* callagent_plugin_v1();

namespace callagent {
namespace {

TEST(EventsJsonfilePluginEntry, DescribesAnEventSink) {
  const PluginInfo* info = callagent_plugin_v1();
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->struct_size, sizeof(PluginInfo));
  EXPECT_EQ(info->api_major, static_cast<std::uint32_t>(CALLAGENT_PLUGIN_API_MAJOR));
  EXPECT_EQ(info->kind, PluginKind::event_sink);
  EXPECT_STREQ(info->name, "events_jsonfile");
  ASSERT_NE(info->validate_config, nullptr);
  EXPECT_EQ(info->validate_config(R"({"queue_limit": 0})").code(), ErrorCode::invalid_config);
  EXPECT_TRUE(info->validate_config(R"({"directory": "x"})").is_ok());
}

TEST(EventsJsonfilePluginEntry, CreatesAWorkingSinkThroughTheFactory) {
  testing::TemporaryDirectory temp;
  testing::RecordingLogger logger;
  const std::string config = nlohmann::json{{"directory", temp.path()}}.dump();
  auto created = callagent_plugin_v1()->create(ProviderContext{config, logger, ""});
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  auto* sink = dynamic_cast<EventSink*>(created.value().get());
  ASSERT_NE(sink, nullptr);
  const std::string record = testing::make_transcript_record("CAentry", "2026-11-24T10:00:00Z").dump();
  sink->publish(Event{event_type::transcript_complete, "CAentry", 0, record});
  EXPECT_TRUE(sink->flush(std::chrono::seconds(30)).is_ok());
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(temp.path()) / "2026-11-24" / "CAentry.json"));

  const auto refused = callagent_plugin_v1()->create(ProviderContext{R"({"colour": 1})", logger, ""});
  EXPECT_EQ(refused.status().code(), ErrorCode::invalid_config);
}

}  // namespace
}  // namespace callagent
