// The plugin's entry point, as the host's loader sees it (compiled into the test from
// plugins/llm/scripted/plugin.cpp), and a provider made through it.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "callagent/plugin_api/llm.h"
#include "callagent/plugin_api/plugin.h"
#include "tests/fakes/recording_logger.h"
#include "tests/unit/plugins/llm/scripted/recording_llm_listener.h"

extern "C" const callagent::PluginInfo* callagent_plugin_v1();

namespace callagent {
namespace {

TEST(LlmScriptedPluginEntry, DescribesAnLlmPlugin) {
  const PluginInfo* info = callagent_plugin_v1();
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->struct_size, sizeof(PluginInfo));
  EXPECT_EQ(info->api_major, static_cast<std::uint32_t>(CALLAGENT_PLUGIN_API_MAJOR));
  EXPECT_EQ(info->kind, PluginKind::llm);
  EXPECT_STREQ(info->name, "llm_scripted");
  EXPECT_STREQ(info->version, "1.0.0");
  ASSERT_NE(info->validate_config, nullptr);
  EXPECT_EQ(info->validate_config("{}").code(), ErrorCode::invalid_config);
  const std::string sample = nlohmann::json{{"script_file", DENTAL_OFFICE_SCRIPT_PATH}}.dump();
  EXPECT_TRUE(info->validate_config(sample).is_ok()) << info->validate_config(sample).message();
}

TEST(LlmScriptedPluginEntry, CreatesAWorkingProviderThroughTheFactory) {
  testing::RecordingLogger logger;
  const std::string config =
      nlohmann::json{{"script_file", DENTAL_OFFICE_SCRIPT_PATH}, {"token_delay_ms", 0}}.dump();
  auto created = callagent_plugin_v1()->create(ProviderContext{config, logger, ""});
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  EXPECT_EQ(logger.count(LogLevel::info, "5 states, starting in welcome; 0 ms between streamed words"), 1u)
      << logger.all_text();
  EXPECT_EQ(logger.count(LogLevel::warn, ""), 0u);  // the sample calls only the host's tools
  auto* provider = dynamic_cast<LlmProvider*>(created.value().get());
  ASSERT_NE(provider, nullptr);

  CallInfo call;
  testing::RecordingLlmListener listener;
  auto session = provider->open_session(SessionContext{call, logger}, listener);
  ASSERT_TRUE(session.is_ok()) << session.status().message();
  LlmRequest request;
  request.request_id = 1;
  request.messages = {{ChatRole::user, "What are your opening hours?", {}, {}}};
  ASSERT_TRUE(session.value()->generate(request).is_ok());
  EXPECT_EQ(listener.text_of(1), "We are open Monday to Friday, from eight in the morning to five in the afternoon.");

  const auto refused = callagent_plugin_v1()->create(ProviderContext{R"({"script_file": 1})", logger, ""});
  EXPECT_EQ(refused.status().code(), ErrorCode::invalid_config);
}

TEST(LlmScriptedPluginEntry, WarnsAboutToolsTheHostDoesNotKnow) {
  testing::RecordingLogger logger;
  const std::string config = R"({"script": {"start": "s", "states": {"s": {"intents": [
      {"name": "x", "keywords": ["x"], "reply": "X.", "tool": {"name": "end_cal"}}]}}}})";
  auto created = callagent_plugin_v1()->create(ProviderContext{config, logger, ""});
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  EXPECT_EQ(logger.count(LogLevel::warn, "the script calls tool \"end_cal\", which this host does not know"), 1u)
      << logger.all_text();
}

}  // namespace
}  // namespace callagent
