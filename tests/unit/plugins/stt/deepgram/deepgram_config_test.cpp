// Config parsing and the /v1/listen request target: pure functions, no network.
#include <gtest/gtest.h>

#include "plugins/stt/deepgram/deepgram_config.h"
#include "plugins/stt/deepgram/deepgram_stt.h"
#include "plugins/stt/deepgram/listen_url.h"

namespace callagent::plugins::deepgram {
namespace {

std::string error_of(const std::string& json) { return DeepgramStt::validate_config(json).message(); }

TEST(DeepgramConfig, DefaultsNeedOnlyTheKey) {
  const auto config = parse_config(R"({"api_key": "k"})");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(config.value().base_url, "wss://api.deepgram.com");
  EXPECT_EQ(config.value().model, "nova-2");
  EXPECT_EQ(config.value().language, "en-US");
  EXPECT_EQ(config.value().endpointing_ms, 300);
  EXPECT_EQ(config.value().utterance_end_ms, 1000);
  EXPECT_EQ(config.value().keepalive_interval_ms, 4000);
  EXPECT_EQ(config.value().connect_timeout_ms, 5000);
  EXPECT_EQ(config.value().reconnect_attempts, 3);
}

TEST(DeepgramConfig, ErrorsNameTheKey) {
  EXPECT_EQ(error_of("{}"), "api_key: required");
  EXPECT_EQ(error_of(R"({"api_key": ""})"), "api_key: expected a non-empty string");
  EXPECT_EQ(error_of(R"({"api_key": "k", "colour": 1})").rfind("colour: unknown key", 0), 0U);
  EXPECT_EQ(error_of(R"({"api_key": "k", "base_url": "https://api.deepgram.com"})").rfind("base_url: ", 0), 0U);
  EXPECT_EQ(error_of(R"({"api_key": "k", "endpointing": "soon"})").rfind("endpointing: ", 0), 0U);
  EXPECT_EQ(error_of(R"({"api_key": "k", "endpointing": 1.5})").rfind("endpointing: ", 0), 0U);
  EXPECT_EQ(error_of(R"({"api_key": "k", "keepalive_interval_ms": 20000})").rfind("keepalive_interval_ms: ", 0), 0U);
  EXPECT_EQ(error_of(R"({"api_key": "k", "reconnect_attempts": -1})").rfind("reconnect_attempts: ", 0), 0U);
  EXPECT_EQ(error_of(R"({"api_key": "k", "punctuate": "yes"})"), "punctuate: expected true or false");
  EXPECT_EQ(error_of("[1]"), "config: expected an object");
  EXPECT_EQ(DeepgramStt::validate_config("{nope").code(), ErrorCode::invalid_config);
}

TEST(DeepgramConfig, PunctuationEndpointingIsDeepgramsDefaultWithPunctuation) {
  const auto config = parse_config(R"({"api_key": "k", "endpointing": "punctuation", "punctuate": false})");
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  EXPECT_EQ(config.value().endpointing_ms, 10);
  EXPECT_TRUE(config.value().punctuate);
}

TEST(ListenUrl, TargetHasEveryParameterWithLowercaseBooleans) {
  DeepgramConfig config;
  config.api_key = "secret";
  EXPECT_EQ(listen_target(config),
            "/v1/listen?model=nova-2&language=en-US&encoding=mulaw&sample_rate=8000&channels=1"
            "&interim_results=true&endpointing=300&utterance_end_ms=1000&vad_events=true"
            "&smart_format=true&punctuate=true");
  config.smart_format = false;
  config.language = "pt BR";
  const std::string target = listen_target(config);
  EXPECT_NE(target.find("&smart_format=false"), std::string::npos);
  EXPECT_NE(target.find("language=pt%20BR"), std::string::npos);
  EXPECT_EQ(target.find("secret"), std::string::npos);
}

TEST(ListenUrl, BaseUrls) {
  const auto real = parse_base_url("wss://api.deepgram.com");
  ASSERT_TRUE(real);
  EXPECT_TRUE(real->tls);
  EXPECT_EQ(real->host, "api.deepgram.com");
  EXPECT_EQ(real->port, 443);
  const auto local = parse_base_url("ws://127.0.0.1:40123/");
  ASSERT_TRUE(local);
  EXPECT_FALSE(local->tls);
  EXPECT_EQ(local->host, "127.0.0.1");
  EXPECT_EQ(local->port, 40123);
  EXPECT_FALSE(parse_base_url("ws://"));
  EXPECT_FALSE(parse_base_url("ws://host:0"));
  EXPECT_FALSE(parse_base_url("ws://user:pw@host"));
  EXPECT_FALSE(parse_base_url("wss://host/v1"));
}

}  // namespace
}  // namespace callagent::plugins::deepgram
