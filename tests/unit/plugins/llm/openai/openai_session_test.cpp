// The session against the in-process fake server: streaming, headers, keep-alive, every
// fault, cancel, and secrets kept out of logs. No timing assertions: retries are checked
// by counting the requests the fake saw.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "openai_llm.h"
#include "tests/fakes/recording_logger.h"
#include "tests/unit/plugins/llm/openai/recording_listener.h"
#include "tools/mock-vendors/openai/fake_openai.h"
#include "tools/mock-vendors/openai/recorded_streams.h"

namespace callagent::plugins::openai {
namespace {

using Json = nlohmann::json;
using Kind = testing::OpenAiRecordingListener::Kind;
using mock::FakeOpenAi;
using mock::FakeOpenAiFault;
using mock::FakeOpenAiFaultSpec;
using mock::FakeOpenAiSettings;

constexpr const char* kKey = "sk-fake-openai-0123456789abcdef";

FakeOpenAiFaultSpec fault(FakeOpenAiFault kind, std::string retry_after = "", std::string retry_after_ms = "",
                          int slow_first_token_ms = 0, int chunks_before = 2) {
  FakeOpenAiFaultSpec spec;
  spec.kind = kind;
  spec.retry_after = std::move(retry_after);
  spec.retry_after_ms = std::move(retry_after_ms);
  spec.slow_first_token_ms = slow_first_token_ms;
  spec.chunks_before = chunks_before;
  return spec;
}

class OpenAiSessionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fake_.start().is_ok()); }

  // Opens a session on the fake; `overrides` are merged into the config.
  void open(Json overrides = Json::object(), bool prewarm = true) {
    Json config = {{"api_key", kKey}, {"base_url", fake_.base_url()}, {"model", "gpt-4o-mini"}};
    config.update(overrides);
    Result<OpenAiConfig> parsed = parse_openai_config(config.dump());
    ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
    auto settings = make_session_settings(parsed.value(), prewarm);
    ASSERT_TRUE(settings.is_ok());
    provider_ = std::make_unique<OpenAiLlmProvider>(settings.value());
    auto session = provider_->open_session(SessionContext{call_, logger_}, listener_);
    ASSERT_TRUE(session.is_ok());
    session_ = std::move(session).value();
  }

  static LlmRequest ask(std::uint64_t id, const std::string& text) {
    LlmRequest request;
    request.request_id = id;
    request.messages.push_back({ChatRole::system, "Be brief.", {}, {}});
    request.messages.push_back({ChatRole::user, text, {}, {}});
    return request;
  }

  void set_mode(const std::string& mode, const std::function<void(FakeOpenAiSettings&)>& tweak = {}) {
    FakeOpenAiSettings settings = fake_.settings();
    settings.mode = mode;
    if (tweak) tweak(settings);
    fake_.set_settings(settings);
  }

  Status only_error(std::uint64_t id) const {
    const auto errors = listener_.of_kind(Kind::error, id);
    EXPECT_EQ(errors.size(), 1u);
    EXPECT_TRUE(listener_.of_kind(Kind::complete, id).empty());
    return errors.empty() ? Status::ok() : errors.front().error;
  }

  FakeOpenAi fake_;
  CallInfo call_;
  testing::RecordingLogger logger_;
  testing::OpenAiRecordingListener listener_;
  std::unique_ptr<OpenAiLlmProvider> provider_;
  std::unique_ptr<LlmSession> session_;  // declared last: destroyed before the listener
};

TEST_F(OpenAiSessionTest, EchoStreamsTextThenCompletesWithUsage) {
  open(Json{{"headers", {{"api-key", "azure-style-secret"}}}});
  ASSERT_TRUE(session_->generate(ask(1, "hello there")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  EXPECT_EQ(listener_.text_of(1), "You said: hello there.");
  const auto complete = listener_.of_kind(Kind::complete, 1);
  ASSERT_EQ(complete.size(), 1u);
  EXPECT_EQ(complete[0].reason, FinishReason::stop);
  EXPECT_EQ(complete[0].usage.prompt_tokens, 12);
  EXPECT_EQ(complete[0].usage.completion_tokens, 4);
  // The finish comes last.
  EXPECT_EQ(listener_.callbacks().back().kind, Kind::complete);

  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/chat/completions");
  EXPECT_EQ(requests[0].headers.at("authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(requests[0].headers.at("accept"), "text/event-stream");
  EXPECT_NE(requests[0].headers.at("user-agent").find("callagent"), std::string::npos);
  EXPECT_EQ(requests[0].headers.at("api-key"), "azure-style-secret");
  const Json body = Json::parse(requests[0].body);
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_EQ(body.at("stream_options"), (Json{{"include_usage", true}}));
  EXPECT_FALSE(body.contains("tools"));
}

TEST_F(OpenAiSessionTest, NoKeyMeansNoAuthorizationHeader) {
  FakeOpenAiSettings settings = fake_.settings();
  settings.api_key.clear();
  fake_.set_settings(settings);
  open(Json{{"api_key", ""}});
  ASSERT_TRUE(session_->generate(ask(1, "hi")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  EXPECT_EQ(listener_.text_of(1), "You said: hi.");
  EXPECT_EQ(fake_.requests().at(0).headers.count("authorization"), 0u);
}

TEST_F(OpenAiSessionTest, KeepsTheConnectionAliveBetweenTurns) {
  open();
  for (std::uint64_t id = 1; id <= 3; ++id) {
    ASSERT_TRUE(session_->generate(ask(id, "turn " + std::to_string(id))).is_ok());
    ASSERT_TRUE(listener_.wait_for_end(id));
    EXPECT_EQ(listener_.text_of(id), "You said: turn " + std::to_string(id) + ".");
  }
  EXPECT_EQ(fake_.request_count(), 3u);
  EXPECT_EQ(fake_.connections_accepted(), 1u);  // the pre-warmed connection carried all three
}

// The benchmark's setting: a long load keeps no request in the mock, only the count.
TEST_F(OpenAiSessionTest, TheMockCountsRequestsItDoesNotRecord) {
  set_mode("echo", [](FakeOpenAiSettings& settings) { settings.record_requests = false; });
  open();
  for (std::uint64_t id = 1; id <= 2; ++id) {
    ASSERT_TRUE(session_->generate(ask(id, "turn")).is_ok());
    ASSERT_TRUE(listener_.wait_for_end(id));
  }
  EXPECT_EQ(fake_.request_count(), 2u);
  EXPECT_TRUE(fake_.wait_for_requests(2, std::chrono::milliseconds(1000)));
  EXPECT_TRUE(fake_.requests().empty());
}

// The next request (a tool's continuation) often comes while the worker still reads the
// end of the last body: it waits for that instead of aborting the connection.
TEST_F(OpenAiSessionTest, ARequestRightAfterTheLastOnesCompletionKeepsTheConnection) {
  set_mode("echo", [](FakeOpenAiSettings& settings) { settings.body_end_delay_ms = 100; });
  open();
  ASSERT_TRUE(session_->generate(ask(1, "first")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  ASSERT_TRUE(session_->generate(ask(2, "second")).is_ok());  // the body of 1 has not ended yet
  ASSERT_TRUE(listener_.wait_for_end(2));
  EXPECT_EQ(listener_.text_of(2), "You said: second.");
  EXPECT_EQ(fake_.connections_accepted(), 1u);
}

TEST_F(OpenAiSessionTest, ReplayedToolCallInRandomSmallWrites) {
  set_mode("replay", [](FakeOpenAiSettings& settings) {
    settings.replay_stream = std::string(mock::openai_recorded::kToolCall);
    settings.replay_random_splits = true;
  });
  open();
  ASSERT_TRUE(session_->generate(ask(1, "what's the weather in NYC?")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  const auto calls = listener_.of_kind(Kind::tool_call, 1);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].tool_call.id, "call_4XzlGBLtUe9dy3GVNV4jhq7h");
  EXPECT_EQ(calls[0].tool_call.name, "get_weather");
  EXPECT_EQ(calls[0].tool_call.arguments_json, "{\"city\":\"New York City\"}");
  const auto complete = listener_.of_kind(Kind::complete, 1);
  ASSERT_EQ(complete.size(), 1u);
  EXPECT_EQ(complete[0].reason, FinishReason::tool_calls);
  EXPECT_EQ(complete[0].usage.prompt_tokens, 44);
  EXPECT_EQ(listener_.text_of(1), "");
}

TEST_F(OpenAiSessionTest, ReplayedParallelToolCallsArriveInIndexOrder) {
  set_mode("replay", [](FakeOpenAiSettings& settings) {
    settings.replay_stream = std::string(mock::openai_recorded::kParallelToolCalls);
    settings.replay_random_splits = true;
  });
  open();
  ASSERT_TRUE(session_->generate(ask(1, "weather and stock")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  const auto calls = listener_.of_kind(Kind::tool_call, 1);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].tool_call.name, "GetWeatherArgs");
  EXPECT_EQ(calls[1].tool_call.name, "get_stock_price");
}

TEST_F(OpenAiSessionTest, ToolModeSendsToolsAndGetsTheCall) {
  set_mode("tool");
  open();
  LlmRequest request = ask(1, "weather in NYC?");
  request.tools.push_back({"get_weather", "", R"({"type":"object","properties":{"city":{"type":"string"}}})"});
  ASSERT_TRUE(session_->generate(request).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  const auto calls = listener_.of_kind(Kind::tool_call, 1);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].tool_call.name, "get_weather");
  EXPECT_EQ(calls[0].tool_call.arguments_json, R"({"city":"New York City"})");
  const Json body = Json::parse(fake_.requests().at(0).body);
  EXPECT_EQ(body.at("tools").at(0).at("function").at("name"), "get_weather");
}

TEST_F(OpenAiSessionTest, WrongKeyIsOneUnauthenticatedErrorWithoutRetry) {
  open(Json{{"api_key", "sk-wrong-key-that-must-stay-secret"}});
  ASSERT_TRUE(session_->generate(ask(1, "hi")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  const Status error = only_error(1);
  EXPECT_EQ(error.code(), ErrorCode::unauthenticated);
  EXPECT_NE(error.message().find("Incorrect API key provided"), std::string::npos) << error.message();
  EXPECT_EQ(error.message().find("sk-wrong-key-that-must-stay-secret"), std::string::npos);
  EXPECT_EQ(fake_.request_count(), 1u);
  EXPECT_EQ(logger_.count(LogLevel::error, "failed"), 1u);
  EXPECT_EQ(logger_.all_text().find("sk-wrong-key-that-must-stay-secret"), std::string::npos);
}

TEST_F(OpenAiSessionTest, RateLimitWithRetryAfterMsIsRetriedThenSucceeds) {
  fake_.inject(fault(FakeOpenAiFault::rate_limited, "", "20", 0, 0));
  open();
  ASSERT_TRUE(session_->generate(ask(1, "hi")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  EXPECT_EQ(listener_.text_of(1), "You said: hi.");
  EXPECT_EQ(listener_.of_kind(Kind::error, 1).size(), 0u);
  EXPECT_EQ(fake_.request_count(), 2u);
  EXPECT_EQ(logger_.count(LogLevel::warn, "rate limited by the model server"), 1u) << logger_.all_text();
  EXPECT_EQ(logger_.count(LogLevel::warn, "retrying in 0.0 s (attempt 2)"), 1u) << logger_.all_text();
}

TEST_F(OpenAiSessionTest, RetryAfterSecondsIsHonoured) {
  fake_.inject(fault(FakeOpenAiFault::rate_limited, "1", "", 0, 0));
  open();
  ASSERT_TRUE(session_->generate(ask(1, "hi")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  EXPECT_EQ(listener_.text_of(1), "You said: hi.");
  EXPECT_EQ(fake_.request_count(), 2u);
  EXPECT_EQ(logger_.count(LogLevel::warn, "retrying in 1.0 s (attempt 2)"), 1u) << logger_.all_text();
}

TEST_F(OpenAiSessionTest, RateLimitBeyondRetriesIsRateLimited) {
  fake_.inject(fault(FakeOpenAiFault::rate_limited, "", "1", 0, 0), 3);
  open(Json{{"max_retries", 2}});
  ASSERT_TRUE(session_->generate(ask(1, "hi")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  EXPECT_EQ(only_error(1).code(), ErrorCode::rate_limited);
  EXPECT_EQ(fake_.request_count(), 3u);
}

TEST_F(OpenAiSessionTest, ServerErrorTwiceThenSuccess) {
  fake_.inject(fault(FakeOpenAiFault::server_error), 2);
  open();
  ASSERT_TRUE(session_->generate(ask(1, "hi")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  EXPECT_EQ(listener_.text_of(1), "You said: hi.");
  EXPECT_EQ(fake_.request_count(), 3u);
  EXPECT_EQ(logger_.count(LogLevel::warn, "retrying in"), 2u);
}

TEST_F(OpenAiSessionTest, ServerErrorBeyondMaxRetriesIsOneError) {
  fake_.inject(fault(FakeOpenAiFault::server_error), 5);
  open(Json{{"max_retries", 1}});
  ASSERT_TRUE(session_->generate(ask(1, "hi")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  const Status error = only_error(1);
  EXPECT_EQ(error.code(), ErrorCode::unavailable);
  EXPECT_NE(error.message().find("500"), std::string::npos);
  EXPECT_EQ(fake_.request_count(), 2u);
}

TEST_F(OpenAiSessionTest, DisconnectAfterTokensIsAnErrorWithoutRetry) {
  fake_.inject(fault(FakeOpenAiFault::disconnect_mid_stream, "", "", 0, 3));
  open();
  ASSERT_TRUE(session_->generate(ask(1, "hello there my friend")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  EXPECT_EQ(listener_.text_of(1), "You said:");
  EXPECT_EQ(only_error(1).code(), ErrorCode::unavailable);
  EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(OpenAiSessionTest, DisconnectBeforeTokensIsRetried) {
  fake_.inject(fault(FakeOpenAiFault::disconnect_mid_stream, "", "", 0, 1));
  open();
  ASSERT_TRUE(session_->generate(ask(1, "hi")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  EXPECT_EQ(listener_.text_of(1), "You said: hi.");
  EXPECT_EQ(fake_.request_count(), 2u);
}

TEST_F(OpenAiSessionTest, SlowFirstTokenIsATimeout) {
  fake_.inject(fault(FakeOpenAiFault::slow_first_token, "", "", 3000, 0));
  open(Json{{"first_token_timeout_ms", 200}});
  ASSERT_TRUE(session_->generate(ask(1, "hi")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  EXPECT_EQ(only_error(1).code(), ErrorCode::timeout);
  EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(OpenAiSessionTest, MalformedChunkIsOneVendorError) {
  fake_.inject(fault(FakeOpenAiFault::malformed_chunk, "", "", 0, 2));
  open();
  ASSERT_TRUE(session_->generate(ask(1, "hello there")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  EXPECT_EQ(listener_.text_of(1), "You");
  EXPECT_EQ(only_error(1).code(), ErrorCode::vendor_error);
  EXPECT_EQ(fake_.request_count(), 1u);
}

TEST_F(OpenAiSessionTest, UnreachableServerIsUnavailableAfterRetries) {
  const std::uint16_t port = fake_.port();
  fake_.stop();
  Json config = {{"base_url", "http://127.0.0.1:" + std::to_string(port) + "/v1"}, {"max_retries", 1}};
  open(config);
  ASSERT_TRUE(session_->generate(ask(1, "hi")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  EXPECT_EQ(only_error(1).code(), ErrorCode::unavailable);
  EXPECT_EQ(logger_.count(LogLevel::warn, "retrying in"), 1u);
}

TEST_F(OpenAiSessionTest, CancelMidStreamStopsCallbacksAndClosesTheConnection) {
  set_mode("echo", [](FakeOpenAiSettings& settings) { settings.tokens_per_second = 50; });
  open();
  std::string long_text;
  for (int word = 0; word < 60; ++word) long_text += "word ";
  ASSERT_TRUE(session_->generate(ask(1, long_text)).is_ok());
  ASSERT_TRUE(listener_.wait_for_deltas(1, 2));
  session_->cancel(1);
  const std::size_t after_cancel = listener_.count_for(1);
  EXPECT_TRUE(fake_.wait_for_aborted_streams(1, std::chrono::seconds(5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(listener_.count_for(1), after_cancel);
  EXPECT_TRUE(listener_.of_kind(Kind::complete, 1).empty());
  EXPECT_TRUE(listener_.of_kind(Kind::error, 1).empty());

  // The session still works after a cancel.
  set_mode("echo");
  ASSERT_TRUE(session_->generate(ask(2, "again")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(2));
  EXPECT_EQ(listener_.text_of(2), "You said: again.");
}

TEST_F(OpenAiSessionTest, ANewGenerateSupersedesTheOldOne) {
  set_mode("echo", [](FakeOpenAiSettings& settings) { settings.tokens_per_second = 50; });
  open();
  std::string long_text;
  for (int word = 0; word < 60; ++word) long_text += "word ";
  ASSERT_TRUE(session_->generate(ask(1, long_text)).is_ok());
  ASSERT_TRUE(listener_.wait_for_deltas(1, 1));
  ASSERT_TRUE(session_->generate(ask(2, "short")).is_ok());
  const std::size_t old_count = listener_.count_for(1);
  ASSERT_TRUE(listener_.wait_for_end(2));
  EXPECT_EQ(listener_.text_of(2), "You said: short.");
  EXPECT_EQ(listener_.count_for(1), old_count);
  EXPECT_TRUE(listener_.of_kind(Kind::complete, 1).empty());
}

TEST_F(OpenAiSessionTest, DestroyingTheSessionMidStreamIsClean) {
  set_mode("echo", [](FakeOpenAiSettings& settings) { settings.tokens_per_second = 50; });
  open();
  ASSERT_TRUE(session_->generate(ask(1, "one two three four five six seven eight")).is_ok());
  ASSERT_TRUE(listener_.wait_for_deltas(1, 1));
  session_.reset();
  const std::size_t count = listener_.callbacks().size();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(listener_.callbacks().size(), count);
}

TEST_F(OpenAiSessionTest, SecretsNeverReachTheLogs) {
  fake_.inject(fault(FakeOpenAiFault::server_error), 1);
  fake_.inject(fault(FakeOpenAiFault::unauthorized), 1);
  open(Json{{"headers", {{"x-extra-secret", "header-secret-value"}}}, {"max_retries", 1}});
  ASSERT_TRUE(session_->generate(ask(1, "hi")).is_ok());
  ASSERT_TRUE(listener_.wait_for_end(1));
  EXPECT_EQ(only_error(1).code(), ErrorCode::unauthenticated);
  const std::string logs = logger_.all_text();
  EXPECT_FALSE(logs.empty());
  EXPECT_EQ(logs.find(kKey), std::string::npos) << logs;
  EXPECT_EQ(logs.find("header-secret-value"), std::string::npos) << logs;
}

}  // namespace
}  // namespace callagent::plugins::openai
