// Config parsing, and the plugin entry point as the loader sees it.
#include <gtest/gtest.h>

#include <string>

#include "callagent/plugin_api/plugin.h"
#include "openai_config.h"
#include "tests/fakes/recording_logger.h"

extern "C" const callagent::PluginInfo* callagent_plugin_v1();

namespace callagent::plugins::openai {
namespace {

TEST(OpenAiConfig, DefaultsWithAKey) {
  const Result<OpenAiConfig> config = parse_openai_config(R"({"api_key":"sk-test"})");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(config.value().base_url, "https://api.openai.com/v1");
  EXPECT_EQ(config.value().model, "gpt-4o-mini");
  EXPECT_DOUBLE_EQ(config.value().temperature, 0.7);
  EXPECT_EQ(config.value().max_tokens, 256);
  EXPECT_EQ(config.value().connect_timeout.count(), 5000);
  EXPECT_EQ(config.value().first_token_timeout.count(), 10000);
  EXPECT_EQ(config.value().max_retries, 2);
  EXPECT_TRUE(config.value().include_usage);
}

TEST(OpenAiConfig, KeyRequiredOnlyForOpenAiItself) {
  EXPECT_EQ(parse_openai_config("{}").status().message(), "api_key: required for api.openai.com");
  EXPECT_TRUE(parse_openai_config(R"({"base_url":"http://localhost:11434/v1"})").is_ok());
}

TEST(OpenAiConfig, NamesTheKeyOfEachProblem) {
  const auto message = [](const char* json) { return parse_openai_config(json).status().message(); };
  EXPECT_EQ(message(R"({"api_key":"k","modle":"x"})"), "modle: unknown key");
  EXPECT_EQ(message(R"({"api_key":"k","temperature":2.5})"), "temperature: expected a number from 0 to 2");
  EXPECT_EQ(message(R"({"api_key":"k","max_tokens":0})"), "max_tokens: expected an integer from 1 to 1000000");
  EXPECT_EQ(message(R"({"api_key":"k","base_url":"ftp://x"})"), "base_url: expected an http:// or https:// URL");
  EXPECT_EQ(message(R"({"api_key":"k","headers":{"api-key":1}})"), "headers.api-key: expected a string");
  EXPECT_EQ(message(R"({"api_key":"k","include_usage":"yes"})"), "include_usage: expected true or false");
  EXPECT_EQ(parse_openai_config("[").status().code(), ErrorCode::invalid_config);
}

TEST(OpenAiConfig, ExtraHeadersAreSecrets) {
  const Result<OpenAiConfig> config = parse_openai_config(
      R"({"base_url":"https://myres.openai.azure.com/openai/deployments/gpt4o","headers":{"api-key":"azure-secret"}})");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  ASSERT_EQ(config.value().headers.size(), 1u);
  EXPECT_EQ(config.value().secrets(), (std::vector<std::string>{"azure-secret"}));
}

TEST(LlmOpenAiPluginEntry, DescribesAnLlmPlugin) {
  const PluginInfo* info = callagent_plugin_v1();
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->struct_size, sizeof(PluginInfo));
  EXPECT_EQ(info->kind, PluginKind::llm);
  EXPECT_STREQ(info->name, "llm_openai");
  EXPECT_STREQ(info->version, "1.0.0");
  ASSERT_NE(info->validate_config, nullptr);
  EXPECT_EQ(info->validate_config("{}").code(), ErrorCode::invalid_config);
  EXPECT_TRUE(info->validate_config(R"({"api_key":"sk-x"})").is_ok());
}

TEST(LlmOpenAiPluginEntry, CreatesAProviderWithoutLoggingTheKey) {
  testing::RecordingLogger logger;
  const std::string config = R"({"api_key":"sk-very-secret-key","model":"gpt-4o"})";
  auto created = callagent_plugin_v1()->create(ProviderContext{config, logger, ""});
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  EXPECT_EQ(logger.count(LogLevel::info, "model gpt-4o at api.openai.com:443"), 1u) << logger.all_text();
  EXPECT_EQ(logger.all_text().find("sk-very-secret-key"), std::string::npos);
}

}  // namespace
}  // namespace callagent::plugins::openai
