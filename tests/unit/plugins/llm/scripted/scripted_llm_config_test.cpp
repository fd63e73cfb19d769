// The plugin's config: where the script comes from, the token delay, and the errors.
#include "plugins/llm/scripted/scripted_llm_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"

namespace callagent::plugins::scripted {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kTinyScript =
    R"({"start": "s", "states": {"s": {"intents": [{"name": "hi", "keywords": ["hello"], "reply": "Hi."}]}}})";

std::string error_of(std::string_view config_json) {
  const auto loaded = load_scripted_llm_config(config_json);
  EXPECT_FALSE(loaded.is_ok()) << config_json;
  EXPECT_EQ(loaded.status().code(), ErrorCode::invalid_config);
  return loaded.status().message();
}

TEST(ScriptedLlmConfigTest, TakesAnInlineScriptAndTheTokenDelay) {
  const auto loaded =
      load_scripted_llm_config(R"({"script": )" + std::string(kTinyScript) + R"(, "token_delay_ms": 40})");
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  ASSERT_NE(loaded.value().script, nullptr);
  EXPECT_EQ(loaded.value().script->start_state, "s");
  EXPECT_EQ(loaded.value().token_delay, std::chrono::milliseconds(40));
  EXPECT_EQ(loaded.value().script_origin, "inline script");
}

TEST(ScriptedLlmConfigTest, TokenDelayDefaultsToZero) {
  const auto loaded = load_scripted_llm_config(R"({"script": )" + std::string(kTinyScript) + "}");
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  EXPECT_EQ(loaded.value().token_delay, std::chrono::milliseconds(0));
}

TEST(ScriptedLlmConfigTest, LoadsTheSampleScriptFile) {
  const auto loaded = load_scripted_llm_config(nlohmann::json{{"script_file", DENTAL_OFFICE_SCRIPT_PATH}}.dump());
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  EXPECT_EQ(loaded.value().script->start_state, "welcome");
  EXPECT_EQ(loaded.value().script_origin, std::string("script_file ") + DENTAL_OFFICE_SCRIPT_PATH);
}

TEST(ScriptedLlmConfigTest, AScriptFileMayHoldComments) {
  testing::TemporaryDirectory folder;
  const std::string path = folder.write_file("commented.json", R"({
    // the first state
    "start": "s",
    /* every state */
    "states": {"s": {"intents": [{"name": "hi", "keywords": ["hello"], "reply": "Hi."}]}}
  })");
  const auto loaded = load_scripted_llm_config(nlohmann::json{{"script_file", path}}.dump());
  EXPECT_TRUE(loaded.is_ok()) << loaded.status().message();
}

TEST(ScriptedLlmConfigTest, NeedsExactlyOneOfScriptFileAndScript) {
  EXPECT_EQ(error_of("{}"), "script_file or script: one is required (the dialog to follow)");
  EXPECT_EQ(error_of(""), "script_file or script: one is required (the dialog to follow)");
  EXPECT_EQ(error_of(R"({"token_delay_ms": 5})"), "script_file or script: one is required (the dialog to follow)");
  EXPECT_EQ(error_of(R"({"script_file": "x.json", "script": )" + std::string(kTinyScript) + "}"),
            "script_file and script: give only one (a file, or the script inline)");
}

TEST(ScriptedLlmConfigTest, NamesAMissingOrUnreadableScriptFile) {
  testing::TemporaryDirectory folder;
  const std::string missing = folder.path() + "/nowhere.json";
  EXPECT_THAT(error_of(nlohmann::json{{"script_file", missing}}.dump()),
              StartsWith("script_file: " + missing +
                         ": does not exist (a relative path starts at the host's working directory, "));
  EXPECT_EQ(error_of(nlohmann::json{{"script_file", folder.path()}}.dump()),
            "script_file: " + folder.path() + ": is not a regular file");
  EXPECT_EQ(error_of(R"({"script_file": ""})"), "script_file: expected a path, got \"\"");
  EXPECT_EQ(error_of(R"({"script_file": 3})"), "script_file: expected a path, got 3");
}

TEST(ScriptedLlmConfigTest, NamesTheFileAndThePathInsideItForABadScript) {
  testing::TemporaryDirectory folder;
  const std::string path = folder.write_file(
      "broken.json",
      R"({"start": "s", "states": {"s": {"intents": [
            {"name": "hi", "keywords": ["hello"], "reply": "Hi.", "next": "t"}]}}})");
  EXPECT_EQ(error_of(nlohmann::json{{"script_file", path}}.dump()),
            "script_file: " + path + ": states.s.intents[0].next: unknown state \"t\" (states: s)");

  const std::string not_json = folder.write_file("not_json.json", "{\"start\": \"s\",\n  \"states\": }");
  EXPECT_THAT(error_of(nlohmann::json{{"script_file", not_json}}.dump()),
              StartsWith("script_file: " + not_json + ": not valid JSON: parse error at line 2, column "));
}

TEST(ScriptedLlmConfigTest, NamesTheInlinePathForABadScript) {
  EXPECT_EQ(error_of(R"({"script": {"start": "s", "states": {"s": {"intents": [
                {"name": "hi", "keywords": ["hello"], "reply": "Hi.", "next": "ask_tme"}]}}}})"),
            "script.states.s.intents[0].next: unknown state \"ask_tme\" (states: s)");
  EXPECT_EQ(error_of(R"({"script": "welcome.json"})"),
            "script: expected a JSON object with \"start\" and \"states\", got \"welcome.json\"");
}

TEST(ScriptedLlmConfigTest, RefusesABadTokenDelayAndUnknownKeys) {
  const std::string script = std::string(R"("script": )") + std::string(kTinyScript);
  EXPECT_EQ(error_of("{" + script + R"(, "token_delay_ms": -1})"),
            "token_delay_ms: expected an integer from 0 to 10000, got -1");
  EXPECT_EQ(error_of("{" + script + R"(, "token_delay_ms": 1.5})"),
            "token_delay_ms: expected an integer from 0 to 10000, got 1.5");
  EXPECT_EQ(error_of("{" + script + R"(, "token_delay_ms": "20"})"),
            "token_delay_ms: expected an integer from 0 to 10000, got \"20\"");
  EXPECT_EQ(error_of("{" + script + R"(, "token_delay_ms": 10001})"),
            "token_delay_ms: expected an integer from 0 to 10000, got 10001");
  EXPECT_EQ(error_of("{" + script + R"(, "model": "gpt"})"),
            "model: unknown key (known: script_file, script, token_delay_ms)");
  EXPECT_EQ(error_of("[1]"), "config must be a JSON object, got array");
  EXPECT_THAT(error_of("{nope"), StartsWith("config must be a JSON object; this text is not JSON"));
}

}  // namespace
}  // namespace callagent::plugins::scripted
