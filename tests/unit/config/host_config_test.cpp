#include "host/config/host_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/child_process.h"

namespace callagent::config {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

EnvironmentLookup no_environment() {
  return [](const std::string&) { return std::optional<std::string>(); };
}

std::vector<std::string> paths_of(const LoadResult& result) {
  std::vector<std::string> paths;
  for (const auto& error : result.errors) paths.push_back(error.json_path);
  return paths;
}

TEST(HostConfigTest, EmptyObjectGivesTheDocumentedDefaults) {
  const auto result = parse_config("{}", no_environment());
  ASSERT_TRUE(result.config) << format_errors(result.errors);
  const auto& config = *result.config;
  EXPECT_EQ(config.server.port, 3000);
  EXPECT_EQ(config.server.bind, "0.0.0.0");
  EXPECT_EQ(config.server.max_calls, 100);
  EXPECT_EQ(config.twilio.api_base_url, "https://api.twilio.com");
  EXPECT_FALSE(config.twilio.validate_signatures);
  EXPECT_EQ(config.providers.state.plugin, "state_memory");
  EXPECT_FALSE(config.providers.stt);
  EXPECT_TRUE(config.providers.events.empty());
  EXPECT_EQ(config.agent.allowed_idle_time_seconds, 30);
  EXPECT_EQ(config.agent.num_check_human_present_times, 3);
  EXPECT_EQ(config.agent.interrupt_sensitivity, "low");
  EXPECT_TRUE(config.agent.end_conversation_on_goodbye);
}

TEST(HostConfigTest, ReadsEverySection) {
  const auto result = parse_config(R"({
    // comments are allowed
    "server": { "port": 8080, "base_url": "https://abc.ngrok.app/", "max_calls": 7,
                "tls": { "certificate_file": "c.pem", "private_key_file": "k.pem" } },
    "twilio": { "account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": "t" },
    "providers": {
      "stt": { "plugin": "stt_deepgram", "config": { "model": "nova-2" } },
      "state": { "plugin": "state_redis" },
      "events": [ { "plugin": "events_jsonfile" }, { "plugin": "events_other", "config": {} } ]
    },
    "agent": { "initial_message": "Hi", "interrupt_sensitivity": "high",
               "goodbye_phrases": ["ciao"] }
  })", no_environment());
  ASSERT_TRUE(result.config) << format_errors(result.errors);
  const auto& config = *result.config;
  EXPECT_EQ(config.server.port, 8080);
  EXPECT_EQ(config.server.base_url, "https://abc.ngrok.app");
  EXPECT_EQ(config.server.tls.private_key_file, "k.pem");
  EXPECT_TRUE(config.twilio.validate_signatures) << "on by default with an auth token";
  ASSERT_TRUE(config.providers.stt);
  EXPECT_EQ(config.providers.stt->plugin, "stt_deepgram");
  EXPECT_EQ(config.providers.stt->config["model"], "nova-2");
  EXPECT_EQ(config.providers.stt->json_path, "providers.stt");
  EXPECT_EQ(config.providers.state.plugin, "state_redis");
  ASSERT_EQ(config.providers.events.size(), 2U);
  EXPECT_EQ(config.providers.events[1].json_path, "providers.events[1]");
  EXPECT_EQ(config.agent.interrupt_sensitivity, "high");
  EXPECT_EQ(config.agent.goodbye_phrases, std::vector<std::string>{"ciao"});
}

TEST(HostConfigTest, ReportsEveryErrorWithItsJsonPath) {
  const auto result = parse_config(R"({
    "server": { "port": "eighty", "prot": 1, "base_url": "abc.ngrok.app",
                "tls": { "certificate_file": "c.pem" } },
    "twilio": { "validate_signatures": true, "api_base_url": "ftp://x" },
    "providers": {
      "stt": { "plugin": "../evil" },
      "llm": { "config": [] },
      "events": [ { "plugin": "events_jsonfile" }, 5 ]
    },
    "agent": { "interrupt_sensitivity": "medium", "allowed_idle_time_seconds": 1.5,
               "goodbye_phrases": ["bye", 3] },
    "extra": {}
  })", no_environment());
  EXPECT_FALSE(result.config);
  EXPECT_THAT(paths_of(result),
              UnorderedElementsAre("server.port", "server.prot", "server.base_url",
                                   "server.tls.private_key_file", "twilio.validate_signatures",
                                   "twilio.api_base_url", "providers.stt.plugin",
                                   "providers.llm.plugin", "providers.llm.config",
                                   "providers.events[1]", "agent.interrupt_sensitivity",
                                   "agent.allowed_idle_time_seconds", "agent.goodbye_phrases[1]",
                                   "extra"));
  const std::string text = format_errors(result.errors);
  EXPECT_THAT(text, HasSubstr("server.port: expected an integer from 0 to 65535, got \"eighty\""));
  EXPECT_THAT(text, HasSubstr("server.prot: unknown key (known keys here:"));
  EXPECT_THAT(text, HasSubstr("agent.interrupt_sensitivity: expected one of \"low\", \"high\", got \"medium\""));
}

TEST(HostConfigTest, NotJsonOrNotAnObjectIsOneClearError) {
  auto result = parse_config("{ \"server\": ", no_environment());
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_THAT(result.errors[0].message, HasSubstr("not valid JSON"));
  result = parse_config("[1, 2]", no_environment());
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_THAT(result.errors[0].message, HasSubstr("expected a JSON object"));
}

TEST(HostConfigTest, DotenvBesideTheFileFillsEnvironmentReferences) {
  testing::TemporaryDirectory directory;
  directory.write_file(".env", "TWILIO_AUTH_TOKEN=from-dotenv\nPORT=4321\n");
  const auto file = directory.write_file("config.json", R"({
    "server": { "port": "${env:PORT}" },
    "twilio": { "auth_token": "${env:TWILIO_AUTH_TOKEN}" }
  })");
  const auto from_file_only = load_config_file(file, no_environment());
  ASSERT_TRUE(from_file_only.config) << format_errors(from_file_only.errors);
  EXPECT_EQ(from_file_only.config->server.port, 4321);
  EXPECT_EQ(from_file_only.config->twilio.auth_token, "from-dotenv");
  EXPECT_EQ(from_file_only.config->source_file, std::filesystem::path(file));

  const auto process_wins = load_config_file(file, [](const std::string& name) {
    return name == "TWILIO_AUTH_TOKEN" ? std::optional<std::string>("from-process") : std::nullopt;
  });
  ASSERT_TRUE(process_wins.config);
  EXPECT_EQ(process_wins.config->twilio.auth_token, "from-process");
}

TEST(HostConfigTest, MissingFileSaysSo) {
  const auto result = load_config_file("/nonexistent/config.json", no_environment());
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_THAT(result.errors[0].message, HasSubstr("does not exist"));
}

TEST(HostConfigTest, RedactedDumpHidesSecretsIncludingPluginKeys) {
  const auto result = parse_config(R"({
    "server": { "api_token": "admin-secret" },
    "twilio": { "account_sid": "AC123", "auth_token": "twilio-secret" },
    "providers": { "llm": { "plugin": "llm_openai", "config": { "api_key": "sk-secret", "model": "m" } } }
  })", no_environment());
  ASSERT_TRUE(result.config) << format_errors(result.errors);
  const auto dump = redacted_dump(*result.config);
  const std::string text = dump.dump();
  EXPECT_EQ(text.find("secret"), std::string::npos) << text;
  EXPECT_EQ(dump["twilio"]["account_sid"], "AC123");
  EXPECT_EQ(dump["providers"]["llm"]["config"]["model"], "m");
  EXPECT_EQ(dump["providers"]["llm"]["config"]["api_key"], "***");
}

}  // namespace
}  // namespace callagent::config
