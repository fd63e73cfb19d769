// The session as the host drives it: what each request gets back, tool calls, and paced
// streaming on a thread with cancel.
#include "plugins/llm/scripted/scripted_llm_session.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "plugins/llm/scripted/script_parser.h"
#include "tests/fakes/recording_logger.h"
#include "tests/unit/plugins/llm/scripted/recording_llm_listener.h"

namespace callagent::plugins::scripted {
namespace {

using namespace std::chrono_literals;
using testing::RecordingLlmListener;

constexpr std::string_view kScript = R"({
  "start": "menu",
  "states": {
    "menu": {
      "intents": [
        { "name": "story", "keywords": ["story"],
          "reply": "Once upon a time there was a very long story that went on and on." },
        { "name": "press", "keywords": ["press one"], "reply": "Pressing one.",
          "tool": { "name": "send_dtmf", "arguments": { "digits": "1" } } },
        { "name": "quiet_hang_up", "keywords": ["hang up"], "tool": { "name": "end_call" } },
        { "name": "whoami", "keywords": ["who am i"], "reply": "You are calling from {caller_number}." }
      ]
    }
  }
})";

std::shared_ptr<const Script> script() {
  auto parsed = parse_script(nlohmann::json::parse(kScript), "script");
  EXPECT_TRUE(parsed.is_ok()) << parsed.status().message();
  return parsed.value();
}

LlmRequest request_saying(std::uint64_t request_id, std::string text, std::vector<std::string> tools = {}) {
  LlmRequest request;
  request.request_id = request_id;
  request.messages = {{ChatRole::system, "You are a phone agent.", {}, {}}, {ChatRole::user, std::move(text), {}, {}}};
  for (auto& tool : tools) request.tools.push_back({std::move(tool), "", R"({"type":"object"})"});
  return request;
}

class ScriptedSessionTest : public ::testing::Test {
 protected:
  std::unique_ptr<ScriptedLlmSession> open(std::chrono::milliseconds token_delay) {
    call_.from = "+15550001111";
    return std::make_unique<ScriptedLlmSession>(script(), token_delay, call_, listener_, logger_);
  }

  CallInfo call_;
  RecordingLlmListener listener_;
  testing::RecordingLogger logger_;
};

TEST_F(ScriptedSessionTest, WithoutDelayTheWholeReplyArrivesInsideGenerate) {
  auto session = open(0ms);
  ASSERT_TRUE(session->generate(request_saying(7, "Tell me a story")).is_ok());
  // Nothing to wait for: every callback came on this thread before generate() returned.
  const auto callbacks = listener_.callbacks_for(7);
  ASSERT_FALSE(callbacks.empty());
  for (const auto& callback : callbacks) EXPECT_EQ(callback.thread, std::this_thread::get_id());
  EXPECT_EQ(listener_.deltas_of(7).front(), "Once ");
  EXPECT_EQ(listener_.text_of(7), "Once upon a time there was a very long story that went on and on.");
  EXPECT_EQ(listener_.finish_of(7), FinishReason::stop);
  EXPECT_EQ(callbacks.back().kind, RecordingLlmListener::Kind::complete);
}

TEST_F(ScriptedSessionTest, ATemplateMayNameTheCallersNumber) {
  auto session = open(0ms);
  ASSERT_TRUE(session->generate(request_saying(1, "who am I?")).is_ok());
  EXPECT_EQ(listener_.text_of(1), "You are calling from +15550001111.");
}

TEST_F(ScriptedSessionTest, AnOfferedToolIsCalledAfterTheReplyWithCountingIds) {
  auto session = open(0ms);
  ASSERT_TRUE(session->generate(request_saying(1, "press one", {"end_call", "send_dtmf"})).is_ok());
  EXPECT_EQ(listener_.text_of(1), "Pressing one.");
  const auto calls = listener_.tool_calls_of(1);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].id, "call_1");
  EXPECT_EQ(calls[0].name, "send_dtmf");
  EXPECT_EQ(calls[0].arguments_json, R"({"digits":"1"})");
  EXPECT_EQ(listener_.finish_of(1), FinishReason::tool_calls);
  const auto callbacks = listener_.callbacks_for(1);
  ASSERT_GE(callbacks.size(), 2u);
  EXPECT_EQ(callbacks[callbacks.size() - 2].kind, RecordingLlmListener::Kind::tool_call);

  ASSERT_TRUE(session->generate(request_saying(2, "hang up", {"end_call"})).is_ok());
  EXPECT_TRUE(listener_.deltas_of(2).empty());  // a tool with no reply
  ASSERT_EQ(listener_.tool_calls_of(2).size(), 1u);
  EXPECT_EQ(listener_.tool_calls_of(2)[0].id, "call_2");
  EXPECT_EQ(listener_.tool_calls_of(2)[0].arguments_json, "{}");
  EXPECT_EQ(listener_.finish_of(2), FinishReason::tool_calls);
}

TEST_F(ScriptedSessionTest, AToolTheRequestDoesNotOfferIsLeftOut) {
  auto session = open(0ms);
  ASSERT_TRUE(session->generate(request_saying(1, "press one", {"end_call"})).is_ok());
  EXPECT_EQ(listener_.text_of(1), "Pressing one.");
  EXPECT_TRUE(listener_.tool_calls_of(1).empty());
  EXPECT_EQ(listener_.finish_of(1), FinishReason::stop);

  ASSERT_TRUE(session->generate(request_saying(2, "hang up")).is_ok());
  EXPECT_TRUE(listener_.callbacks_for(2).size() == 1u);  // only the completion
  EXPECT_EQ(listener_.finish_of(2), FinishReason::stop);
}

TEST_F(ScriptedSessionTest, AfterAToolResultOrWithoutCallerWordsItSaysNothing) {
  auto session = open(0ms);
  LlmRequest after_tool = request_saying(1, "press one");
  after_tool.messages.push_back({ChatRole::assistant, "Pressing one.", {{"call_1", "send_dtmf", "{}"}}, {}});
  after_tool.messages.push_back({ChatRole::tool, "pressed 1", {}, "call_1"});
  ASSERT_TRUE(session->generate(after_tool).is_ok());
  ASSERT_EQ(listener_.callbacks_for(1).size(), 1u);
  EXPECT_EQ(listener_.finish_of(1), FinishReason::stop);

  LlmRequest empty;
  empty.request_id = 2;
  ASSERT_TRUE(session->generate(empty).is_ok());
  EXPECT_EQ(listener_.callbacks_for(2).size(), 1u);
  EXPECT_EQ(listener_.finish_of(2), FinishReason::stop);
}

TEST_F(ScriptedSessionTest, WithADelayWordsStreamFromAnotherThread) {
  auto session = open(1ms);
  ASSERT_TRUE(session->generate(request_saying(3, "story please", {"send_dtmf"})).is_ok());
  ASSERT_TRUE(listener_.wait_for_finish(3));
  EXPECT_EQ(listener_.text_of(3), "Once upon a time there was a very long story that went on and on.");
  EXPECT_EQ(listener_.deltas_of(3).size(), 15u);
  EXPECT_EQ(listener_.finish_of(3), FinishReason::stop);
  for (const auto& callback : listener_.callbacks_for(3)) EXPECT_NE(callback.thread, std::this_thread::get_id());

  ASSERT_TRUE(session->generate(request_saying(4, "press one", {"send_dtmf"})).is_ok());
  ASSERT_TRUE(listener_.wait_for_finish(4));
  EXPECT_EQ(listener_.text_of(4), "Pressing one.");
  ASSERT_EQ(listener_.tool_calls_of(4).size(), 1u);
  EXPECT_EQ(listener_.finish_of(4), FinishReason::tool_calls);
}

TEST_F(ScriptedSessionTest, CancelStopsAPacedReplyAtOnceWithNothingMore) {
  // A pause far longer than the test: only cancel() can end this reply in time.
  auto session = open(10s);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(session->generate(request_saying(5, "story")).is_ok());
  ASSERT_TRUE(listener_.wait_for_deltas(5, 1));  // the first word comes at once
  session->cancel(5);
  const std::size_t after_cancel = listener_.count();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(listener_.count(), after_cancel);
  EXPECT_EQ(listener_.deltas_of(5), (std::vector<std::string>{"Once "}));
  EXPECT_FALSE(listener_.finish_of(5).has_value());  // no on_complete for a cancelled request

  // The session still answers afterwards, and goes away without waiting for the pause.
  ASSERT_TRUE(session->generate(request_saying(6, "hang up", {"end_call"})).is_ok());
  ASSERT_TRUE(listener_.wait_for_finish(6));
  EXPECT_EQ(listener_.finish_of(6), FinishReason::tool_calls);
  session.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(ScriptedSessionTest, NothingArrivesForACancelledRequestOnceCancelReturns) {
  // 15 words 100 ms apart: the reply would run on for well over a second.
  auto session = open(100ms);
  ASSERT_TRUE(session->generate(request_saying(5, "story")).is_ok());
  ASSERT_TRUE(listener_.wait_for_deltas(5, 1));
  session->cancel(5);
  const std::size_t after_cancel = listener_.count();
  std::this_thread::sleep_for(350ms);  // three more words' time
  EXPECT_EQ(listener_.count(), after_cancel);
  EXPECT_LT(listener_.deltas_of(5).size(), 15u);
  EXPECT_FALSE(listener_.finish_of(5).has_value());
}

TEST_F(ScriptedSessionTest, CancellingAnotherOrAFinishedRequestChangesNothing) {
  auto session = open(1ms);
  ASSERT_TRUE(session->generate(request_saying(1, "press one")).is_ok());
  ASSERT_TRUE(listener_.wait_for_finish(1));
  session->cancel(1);
  session->cancel(99);
  ASSERT_TRUE(session->generate(request_saying(2, "story")).is_ok());
  session->cancel(1);
  ASSERT_TRUE(listener_.wait_for_finish(2));
  EXPECT_EQ(listener_.finish_of(2), FinishReason::stop);
}

TEST_F(ScriptedSessionTest, ANewGenerateAbandonsTheReplyInFlight) {
  auto session = open(10s);
  ASSERT_TRUE(session->generate(request_saying(1, "story")).is_ok());
  ASSERT_TRUE(listener_.wait_for_deltas(1, 1));
  ASSERT_TRUE(session->generate(request_saying(2, "hang up", {"end_call"})).is_ok());
  ASSERT_TRUE(listener_.wait_for_finish(2));
  EXPECT_EQ(listener_.deltas_of(1).size(), 1u);
  EXPECT_FALSE(listener_.finish_of(1).has_value());
  EXPECT_EQ(listener_.finish_of(2), FinishReason::tool_calls);
}

TEST_F(ScriptedSessionTest, NoCallbackArrivesAfterTheSessionIsDestroyed) {
  auto session = open(10s);
  ASSERT_TRUE(session->generate(request_saying(1, "story")).is_ok());
  ASSERT_TRUE(listener_.wait_for_deltas(1, 1));
  session.reset();  // mid-reply: joins the worker
  const std::size_t after_destroy = listener_.count();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(listener_.count(), after_destroy);
  EXPECT_EQ(logger_.count(LogLevel::info, "session closed in state menu"), 1u);
}

TEST_F(ScriptedSessionTest, LogsEachTurnAtDebugLevel) {
  auto session = open(0ms);
  ASSERT_TRUE(session->generate(request_saying(1, "press one")).is_ok());
  EXPECT_EQ(logger_.count(LogLevel::debug,
                          "request 1 in state menu, caller said \"press one\": intent press; would call send_dtmf, "
                          "which this call does not offer; now in state menu with slots none"),
            1u)
      << logger_.all_text();
}

}  // namespace
}  // namespace callagent::plugins::scripted
