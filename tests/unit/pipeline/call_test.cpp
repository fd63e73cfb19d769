// The conversation engine, driven deterministically: fake providers, a manual clock, and
// executors that run every posted task at once on the test's thread.
#include "host/pipeline/call.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "host/runtime/executor.h"
#include "host/runtime/timer_service.h"
#include "host/telephony/call_repository.h"
#include "host/telephony/record_write_back.h"
#include "tests/fakes/fake_event_sink.h"
#include "tests/fakes/fake_llm.h"
#include "tests/fakes/fake_state_store.h"
#include "tests/fakes/fake_stt.h"
#include "tests/fakes/fake_tts.h"
#include "tests/fakes/recording_logger.h"
#include "tests/fakes/recording_media_sender.h"
#include "tools/mock-vendors/twilio_rest_fake.h"

namespace callagent::pipeline {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::FakeEventSink;
using testing::FakeLlmProvider;
using testing::FakeSttProvider;
using testing::FakeTtsProvider;
using testing::RecordingMediaSender;
using Kind = RecordingMediaSender::Sent::Kind;

// An executor whose tasks run when the test says: the call workers, when a test needs to
// see what runs on a worker rather than at once; or the blocking pool, whose several
// threads may run tasks posted one after another in any order (run_all_last_first).
class QueueExecutor final : public host::Executor {
 public:
  void post(host::Task task) override { tasks_.push_back(std::move(task)); }
  void run_all() {
    while (!tasks_.empty()) {
      host::Task task = std::move(tasks_.front());
      tasks_.erase(tasks_.begin());
      task();
    }
  }
  void run_all_last_first() {
    while (!tasks_.empty()) {
      host::Task task = std::move(tasks_.back());
      tasks_.pop_back();
      task();
    }
  }
  bool empty() const { return tasks_.empty(); }

 private:
  std::vector<host::Task> tasks_;
};

class CallTest : public ::testing::Test {
 protected:
  CallTest() {
    agent.initial_message = "Hello, how can I help?";
    agent.allowed_idle_time_seconds = 10;
    agent.num_check_human_present_times = 2;
    tts->set_auto_mode(true);  // 50 ms of audio per word, then done
    llm->set_auto_reply([](const LlmRequest& request) {
      return "You said " + request.messages.back().content + ". Anything else?";
    });
  }

  void start_call() {
    CallServices services;
    services.workers = call_workers;
    services.timers = &timers;
    services.blocking = blocking_executor;
    services.records = records;
    services.stt = stt;
    services.llm = llm;
    services.tts = tts;
    services.events = std::make_shared<EventPublisher>(std::vector<std::shared_ptr<EventSink>>{sink});
    services.rest = rest;
    services.phrases = phrases;
    services.session_logger = [this](PluginKind, const std::string&) { return logger; };
    services.metrics = call_metrics;
    telephony::CallRecord record;
    record.conversation_id = "0123456789abcdef0123456789abcdef";
    record.call_sid = "CA0123456789abcdef0123456789abcdef";
    record.from = "+15550001111";
    record.to = "+15550002222";
    record.direction = "inbound";
    twilio::StartMessage start;
    start.stream_sid = "MZ1";
    start.call_sid = record.call_sid;
    auto started = Call::start(services, agent, record, start, sender);
    ASSERT_TRUE(started) << started.status().message();
    call = std::move(started).value();
  }

  testing::FakeSttSession& stt_session() { return *stt->last_session(); }
  testing::FakeLlmSession& llm_session() { return *llm->last_session(); }
  testing::FakeTtsSession& tts_session() { return *tts->last_session(); }

  // Twilio plays audio in real time and returns each mark when its audio has played.
  void play(std::chrono::milliseconds duration) {
    for (auto elapsed = 0ms; elapsed < duration; elapsed += 20ms) {
      timers.advance(20ms);
      const auto marks = sender->take_marks();
      pending_marks.insert(pending_marks.end(), marks.begin(), marks.end());
      // A mark comes back one lead (~160 ms) after it was sent: keep two chunks in flight.
      while (pending_marks.size() > 2) {
        call->on_mark(pending_marks.front());
        pending_marks.erase(pending_marks.begin());
      }
    }
  }
  // Plays until everything sent has been heard.
  void play_to_end() {
    play(3s);
    for (const auto& mark : sender->take_marks()) pending_marks.push_back(mark);
    for (const auto& mark : pending_marks) call->on_mark(mark);
    pending_marks.clear();
  }
  void caller_says(const std::string& text) { stt_session().emit_final(text, true); }
  // The caller's line in real time, 20 ms μ-law frames: a loud square wave or silence.
  void caller_audio(bool loud, std::chrono::milliseconds duration) {
    for (auto elapsed = 0ms; elapsed < duration; elapsed += 20ms) {
      std::vector<std::uint8_t> audio(160, 0xFF);  // μ-law silence
      if (loud) {
        for (std::size_t index = 0; index < audio.size(); ++index) audio[index] = (index / 10) % 2 ? 0x10 : 0x90;
      }
      call->on_caller_audio(caller_offset_ms, std::move(audio));
      caller_offset_ms += 20;
      timers.advance(20ms);
    }
  }

  std::vector<std::string> texts_of_turns() const {
    std::vector<std::string> texts;
    for (const auto& turn : call->transcript_turns()) {
      texts.push_back(turn["speaker"].get<std::string>() + ": " + turn["text"].get<std::string>() +
                      (turn["interrupted"].get<bool>() ? " (interrupted)" : ""));
    }
    return texts;
  }
  std::vector<ChatMessage> history_sent_last() { return llm_session().last_request()->messages; }

  config::AgentConfig agent;
  host::ManualTimerService timers;
  host::InlineExecutor workers;
  host::Executor* call_workers = &workers;  // a test may queue the workers' tasks instead
  host::InlineExecutor blocking;
  host::Executor* blocking_executor = &blocking;  // a test may reorder the blocking pool's tasks
  telephony::RecordWriteBack* records = nullptr;  // null: records are not kept
  std::shared_ptr<FakeSttProvider> stt = std::make_shared<FakeSttProvider>();
  std::shared_ptr<FakeLlmProvider> llm = std::make_shared<FakeLlmProvider>();
  std::shared_ptr<FakeTtsProvider> tts = std::make_shared<FakeTtsProvider>();
  std::shared_ptr<FakeEventSink> sink = std::make_shared<FakeEventSink>();
  std::shared_ptr<RecordingMediaSender> sender = std::make_shared<RecordingMediaSender>();
  std::shared_ptr<PhraseCache> phrases = std::make_shared<PhraseCache>();
  std::shared_ptr<const twilio::TwilioRestClient> rest;
  std::shared_ptr<testing::RecordingLogger> logger = std::make_shared<testing::RecordingLogger>();
  std::vector<std::string> pending_marks;
  std::int64_t caller_offset_ms = 0;  // the caller's audio timeline
  const metrics::CallMetrics* call_metrics = nullptr;
  std::shared_ptr<Call> call;
};

TEST_F(CallTest, GreetsAndAnswersEachTurnThroughTheLlmWithTheHistory) {
  start_call();
  EXPECT_EQ(tts_session().text_of(1), "Hello, how can I help?");
  play_to_end();
  caller_says("I need an appointment");
  ASSERT_EQ(llm_session().request_count(), 1U);
  const auto history = history_sent_last();
  ASSERT_EQ(history.size(), 3U);
  EXPECT_EQ(history[0].role, ChatRole::system);
  EXPECT_EQ(history[1].content, "Hello, how can I help?");
  EXPECT_EQ(history[2].content, "I need an appointment");
  play_to_end();
  EXPECT_THAT(texts_of_turns(),
              ::testing::ElementsAre("agent: Hello, how can I help?", "caller: I need an appointment",
                                     "agent: You said I need an appointment. Anything else?"));
  // The reply went to TTS in pieces as it streamed, the first sentence on its own.
  EXPECT_EQ(tts_session().text_of(2), "You said I need an appointment.");
  EXPECT_EQ(tts_session().text_of(3), "Anything else?");
}

TEST_F(CallTest, BargeInClearsCancelsAndCutsTheHistoryAtTheLastReturnedMark) {
  agent.initial_message.clear();
  llm->set_auto_reply([](const LlmRequest&) {
    return std::string("The first opening is on Monday morning at nine. The second is on Tuesday afternoon.");
  });
  start_call();
  caller_says("When can I come in?");
  play(600ms);  // part of the first sentence has been heard
  ASSERT_FALSE(sender->closed());
  caller_says("Actually wait");  // not a backchannel: interrupts at "low" too
  EXPECT_EQ(sender->count(Kind::clear), 1U);
  const auto turns = call->transcript_turns();
  ASSERT_GE(turns.size(), 2U);
  const auto& agent_turn = turns[1];
  EXPECT_EQ(agent_turn["speaker"], "agent");
  EXPECT_TRUE(agent_turn["interrupted"].get<bool>());
  const std::string heard = agent_turn["text"];
  const std::string whole = "The first opening is on Monday morning at nine. The second is on Tuesday afternoon.";
  EXPECT_FALSE(heard.empty());
  EXPECT_TRUE(whole.starts_with(heard)) << heard;
  EXPECT_LT(heard.size(), whole.size());
  // 600 ms played at 50 ms a word, marks trailing by two 80 ms chunks: 8 to 12 words.
  const auto words = std::count(heard.begin(), heard.end(), ' ') + 1;
  EXPECT_GE(words, 6);
  EXPECT_LE(words, 12);
  // The next request carries only what the caller heard.
  const auto history = history_sent_last();
  ASSERT_EQ(history.size(), 4U);
  EXPECT_EQ(history[2].role, ChatRole::assistant);
  EXPECT_EQ(history[2].content, heard);
  EXPECT_EQ(history[3].content, "Actually wait");
}

TEST_F(CallTest, FeedsTheCallMetrics) {
  metrics::Registry registry;
  const metrics::CallMetrics fed(registry, {"stt_fake", "llm_fake", "tts_fake"}, end_reason::all);
  call_metrics = &fed;
  agent.initial_message.clear();
  llm->set_auto_reply([](const LlmRequest&) {
    return std::string("The first opening is on Monday morning at nine. The second is on Tuesday afternoon.");
  });
  start_call();
  EXPECT_THAT(registry.render(), HasSubstr("callagent_calls_started_total 1\n"));
  caller_says("When can I come in?");
  play(600ms);
  caller_says("Actually wait");  // barge-in: one clear
  ASSERT_EQ(sender->count(Kind::clear), 1U);
  stt_session().emit_error(Status(ErrorCode::unavailable, "a blip"), /*recoverable=*/true);
  play_to_end();
  call->on_stream_closed("test over");
  ASSERT_TRUE(call->finished());

  const std::string text = registry.render();
  EXPECT_THAT(text, HasSubstr("callagent_barge_in_reaction_latency_milliseconds_count 1\n"));
  EXPECT_THAT(text, HasSubstr("callagent_voice_to_voice_latency_milliseconds_count 2\n")) << "both turns";
  EXPECT_THAT(text, HasSubstr("callagent_llm_first_token_latency_milliseconds_count 2\n"));
  EXPECT_THAT(text, HasSubstr("callagent_tts_first_audio_latency_milliseconds_count 2\n"));
  EXPECT_THAT(text, HasSubstr("callagent_stt_final_latency_milliseconds_count 2\n"));
  EXPECT_THAT(text, HasSubstr("callagent_provider_errors_total{plugin=\"stt_fake\",code=\"unavailable\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("callagent_calls_ended_total{reason=\"hangup\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("callagent_calls_ended_total{reason=\"error\"} 0\n"));
}

TEST_F(CallTest, BackchannelIsIgnoredAtLowSensitivity) {
  agent.interrupt_sensitivity = "low";
  start_call();
  play(300ms);
  stt_session().emit_interim("mm-hm");
  caller_says("mm-hm");
  EXPECT_EQ(sender->count(Kind::clear), 0U);
  EXPECT_EQ(llm_session().request_count(), 0U) << "a backchannel is not a turn";
  play_to_end();
  EXPECT_THAT(texts_of_turns(), ::testing::ElementsAre("agent: Hello, how can I help?"));
}

TEST_F(CallTest, BackchannelInterruptsAtHighSensitivity) {
  agent.interrupt_sensitivity = "high";
  start_call();
  play(300ms);
  stt_session().emit_interim("mm-hm");
  EXPECT_EQ(sender->count(Kind::clear), 1U);
}

TEST_F(CallTest, UninterruptibleGreetingIsNotCut) {
  agent.interrupt_sensitivity = "high";
  agent.greeting_interruptible = false;
  start_call();
  play(300ms);
  stt_session().emit_interim("hello hello");
  EXPECT_EQ(sender->count(Kind::clear), 0U);
}

TEST_F(CallTest, IdleChecksThenHangUpAfterTheLastOne) {
  start_call();
  play_to_end();
  timers.advance(10s);
  play_to_end();
  timers.advance(10s);
  play_to_end();
  EXPECT_FALSE(sender->closed());
  EXPECT_THAT(texts_of_turns(), ::testing::ElementsAre("agent: Hello, how can I help?",
                                                       "agent: Are you still there?",
                                                       "agent: Are you still there?"));
  timers.advance(10s);
  EXPECT_FALSE(sender->closed()) << "not before the goodbye has played";
  play_to_end();
  EXPECT_TRUE(sender->closed());
  EXPECT_EQ(texts_of_turns().back(), "agent: Goodbye!");
  call->on_stream_closed("closed by host");
  EXPECT_EQ(call->ended_reason(), "idle");
}

TEST_F(CallTest, SpeechResetsTheIdleChecks) {
  start_call();
  play_to_end();
  timers.advance(9s);
  caller_says("hello?");
  play_to_end();
  timers.advance(9s);
  EXPECT_EQ(tts->last_session()->synthesize_calls().size(), 3U) << "greeting and the reply's two pieces only";
}

TEST_F(CallTest, GoodbyeHangsUpOnlyAfterTheClosingLinesMarkReturns) {
  start_call();
  play_to_end();
  caller_says("ok goodbye");
  EXPECT_EQ(llm_session().request_count(), 0U);
  play(100ms);
  EXPECT_FALSE(sender->closed());
  play_to_end();
  EXPECT_TRUE(sender->closed());
  call->on_stream_closed("closed by host");
  EXPECT_EQ(call->ended_reason(), "goodbye");
  const auto complete = sink->events_of_type("transcript.complete");
  ASSERT_EQ(complete.size(), 1U);
  const auto record = nlohmann::json::parse(complete[0].payload_json);
  EXPECT_EQ(record["ended_reason"], "goodbye");
  EXPECT_EQ(record["user_id"], "+15550001111");
  EXPECT_THAT(record["transcript"].get<std::string>(), HasSubstr("Caller: ok goodbye\nAgent: Goodbye!"));
}

TEST_F(CallTest, AgentGoodbyeEndsTheCallAfterItPlays) {
  llm->set_auto_reply([](const LlmRequest&) { return std::string("Thanks for calling, goodbye!"); });
  start_call();
  play_to_end();
  caller_says("that is all I needed");
  EXPECT_FALSE(sender->closed());
  play_to_end();
  EXPECT_TRUE(sender->closed());
}

TEST_F(CallTest, EndCallToolHangsUpAfterThePrefaceIsHeard) {
  agent.tools = {"end_call"};
  llm->set_auto_reply({});
  start_call();
  play_to_end();
  caller_says("please hang up");
  const auto request = llm_session().last_request();
  ASSERT_TRUE(request);
  ASSERT_EQ(request->tools.size(), 1U);
  EXPECT_EQ(request->tools[0].name, "end_call");
  llm_session().stream_text(request->request_id, "Alright, take care.");
  llm_session().emit_tool_call(request->request_id, {"call_1", "end_call", R"({"reason":"asked"})"});
  llm_session().complete(request->request_id, FinishReason::tool_calls);
  EXPECT_FALSE(sender->closed());
  play_to_end();
  EXPECT_TRUE(sender->closed());
  ASSERT_EQ(sink->events_of_type("tool.call").size(), 1U);
  call->on_stream_closed("closed");
  EXPECT_EQ(call->ended_reason(), "tool_end_call");
}

TEST_F(CallTest, TransferCallToolUpdatesTheCallThroughTwilio) {
  mock::FakeTwilioRestSettings fake_settings;
  fake_settings.account_sid = "AC0123456789abcdef0123456789abcdef";
  fake_settings.auth_token = "token";
  mock::FakeTwilioRest twilio(fake_settings);
  ASSERT_TRUE(twilio.start());
  rest = std::make_shared<twilio::TwilioRestClient>(twilio::RestClientSettings{
      twilio.base_url(), "AC0123456789abcdef0123456789abcdef", "token", 5000ms});
  agent.tools = {"transfer_call"};
  agent.transfer_phone_number = "+15559990000";
  llm->set_auto_reply({});
  start_call();
  play_to_end();
  caller_says("let me talk to a person");
  const auto request = llm_session().last_request();
  llm_session().emit_tool_call(request->request_id, {"call_2", "transfer_call", "{}"});
  llm_session().complete(request->request_id, FinishReason::tool_calls);
  ASSERT_TRUE(twilio.wait_for_requests(1, 5s));
  const auto sent = twilio.requests().back();
  EXPECT_THAT(sent.path, HasSubstr("/Calls/CA0123456789abcdef0123456789abcdef.json"));
  const auto twiml = twilio::find_param(sent.form, "Twiml");
  ASSERT_TRUE(twiml);
  EXPECT_THAT(std::string(*twiml), HasSubstr("<Dial callerId=\"+15550002222\">+15559990000</Dial>"));
  const auto results = sink->events_of_type("tool.result");
  ASSERT_EQ(results.size(), 1U);
  EXPECT_THAT(results[0].payload_json, HasSubstr("\"ok\":true"));
}

TEST_F(CallTest, SendDtmfToolPlaysTheTonesAndContinues) {
  agent.tools = {"send_dtmf"};
  agent.initial_message.clear();
  llm->set_auto_reply({});
  start_call();
  caller_says("press one for me");
  auto request = llm_session().last_request();
  llm_session().emit_tool_call(request->request_id, {"call_3", "send_dtmf", R"({"digits":"1"})"});
  llm_session().complete(request->request_id, FinishReason::tool_calls);
  play_to_end();
  EXPECT_GE(sender->audio_bytes(), 180U * 8) << "100 ms tone + 80 ms gap";
  ASSERT_EQ(llm_session().request_count(), 2U) << "the model hears the tool's result";
  EXPECT_EQ(history_sent_last().back().role, ChatRole::tool);
  EXPECT_EQ(history_sent_last().back().content, "pressed 1");
}

TEST_F(CallTest, InboundDtmfReachesTheAgentAsText) {
  agent.initial_message.clear();
  start_call();
  call->on_dtmf("4");
  call->on_dtmf("2");
  call->on_dtmf("#");
  ASSERT_EQ(llm_session().request_count(), 1U);
  EXPECT_EQ(history_sent_last().back().content, "[keypad: 42#]");
  EXPECT_EQ(sink->events_of_type("call.dtmf").size(), 3U);
}

TEST_F(CallTest, FailingLlmYieldsTheApologyAndTheCallGoesOn) {
  start_call();
  play_to_end();
  llm->set_auto_reply({});
  caller_says("hello");
  llm_session().fail(llm_session().last_request()->request_id, Status(ErrorCode::unavailable, "down"));
  EXPECT_EQ(tts_session().synthesize_calls().back().text, agent.apology_message);
  play_to_end();
  EXPECT_FALSE(sender->closed()) << "one failure: apologise and keep listening";
  caller_says("hello again");
  llm_session().fail(llm_session().last_request()->request_id, Status(ErrorCode::unavailable, "down"));
  play_to_end();
  EXPECT_TRUE(sender->closed()) << "a second failure in a row ends the call cleanly";
  call->on_stream_closed("closed");
  EXPECT_EQ(call->ended_reason(), "error");
  EXPECT_EQ(sink->events_of_type("transcript.complete").size(), 1U);
}

TEST_F(CallTest, SlowLlmTimesOutIntoTheApology) {
  start_call();
  play_to_end();
  llm->set_auto_reply({});
  caller_says("hello");
  timers.advance(std::chrono::milliseconds(agent.llm_first_token_timeout_ms + 10));
  EXPECT_EQ(tts_session().synthesize_calls().back().text, agent.apology_message);
}

TEST_F(CallTest, DeadSttApologisesAndEnds) {
  start_call();
  play_to_end();
  stt_session().emit_error(Status(ErrorCode::unauthenticated, "bad key"), false);
  EXPECT_EQ(tts_session().synthesize_calls().back().text, agent.apology_message);
  play_to_end();
  EXPECT_TRUE(sender->closed());
}

TEST_F(CallTest, FailingTtsWithACachedApologyPlaysItAndEnds) {
  phrases->store(tts->voice_key(), agent.apology_message, std::vector<std::uint8_t>(800, 0x55));
  tts->set_auto_mode(false);
  start_call();
  tts_session().fail(1, Status(ErrorCode::vendor_error, "bad audio"));
  EXPECT_GE(sender->audio_bytes(), 800U) << "the cached apology is played";
  play_to_end();
  EXPECT_TRUE(sender->closed());
}

TEST_F(CallTest, TheRecordsSavesLandInTheOrderMadeHoweverTheBlockingPoolRunsThem) {
  QueueExecutor blocking_pool;
  blocking_executor = &blocking_pool;
  auto store = std::make_shared<testing::FakeStateStore>();
  const telephony::CallRepository repository(store, 5400s, 120s);
  telephony::RecordWriteBack write_back(repository);
  records = &write_back;
  start_call();
  play_to_end();
  caller_says("hi");
  play(200ms);
  call->on_stop();  // the caller hangs up mid-reply: a turn's save, then the ended record's
  call->on_stream_closed("Twilio closed the stream");
  ASSERT_TRUE(call->finished());
  blocking_pool.run_all_last_first();

  const std::string id = "0123456789abcdef0123456789abcdef";
  const auto loaded = repository.load(id);
  ASSERT_TRUE(loaded && loaded.value());
  EXPECT_EQ(loaded.value()->status, "completed") << "an older snapshot overwrote the ended record";
  EXPECT_EQ(store->ttl_of("callagent:call:" + id), 120s) << "kept for the retention, not a live call's TTL";
  EXPECT_EQ(loaded.value()->turns.size(), call->transcript_turns().size());
}

TEST_F(CallTest, FailingTtsWithNothingCachedEndsAtOnceRatherThanHangSilent) {
  tts->set_auto_mode(false);
  start_call();
  tts_session().fail(1, Status(ErrorCode::vendor_error, "bad audio"));
  EXPECT_TRUE(sender->closed());
}

TEST_F(CallTest, CallerHangUpPublishesTheEndAndTheTranscript) {
  start_call();
  play_to_end();
  caller_says("hi");
  play(200ms);
  call->on_stop();
  call->on_stream_closed("Twilio closed the stream");
  EXPECT_TRUE(call->finished());
  const auto ended = sink->events_of_type("call.ended");
  ASSERT_EQ(ended.size(), 1U);
  EXPECT_THAT(ended[0].payload_json, HasSubstr("\"reason\":\"hangup\""));
  const auto complete = sink->events_of_type("transcript.complete");
  ASSERT_EQ(complete.size(), 1U);
  const auto record = nlohmann::json::parse(complete[0].payload_json);
  EXPECT_EQ(record["turns"].back()["interrupted"], true) << "the reply was cut by the hang-up";
  EXPECT_TRUE(stt_session().closed());
}

TEST_F(CallTest, TurnMetricsCarryEveryStage) {
  start_call();
  play_to_end();
  caller_says("hello");
  play_to_end();
  const auto metrics = sink->events_of_type("turn.metrics");
  ASSERT_EQ(metrics.size(), 1U);
  const auto payload = nlohmann::json::parse(metrics[0].payload_json);
  for (const char* field : {"stt_final_ms", "llm_request_ms", "llm_first_token_ms", "first_sentence_ms",
                            "tts_request_ms", "tts_first_audio_ms", "first_frame_sent_ms",
                            "first_mark_back_ms"}) {
    EXPECT_TRUE(payload[field].is_number()) << field;
  }
}

// The STT often ends the turn (speech_final) before the host's VAD has seen its 400 ms of
// quiet. The speech end the metrics use must still be where the caller stopped speaking —
// not "now", and not leak into the next turn when the VAD catches up.
TEST_F(CallTest, CallerSpeechEndIsWhereTheSpeechStoppedEvenWhenTheSttEndsTheTurnFirst) {
  start_call();
  play_to_end();
  auto send = [this](bool loud, std::chrono::milliseconds duration) { caller_audio(loud, duration); };
  send(false, 400ms);
  send(true, 1000ms);
  send(false, 100ms);
  caller_says("hello there");  // the STT's speech_final, 100 ms into the quiet
  send(false, 600ms);          // the VAD declares the end of speech meanwhile
  play_to_end();
  const auto metrics = sink->events_of_type("turn.metrics");
  ASSERT_EQ(metrics.size(), 1U);
  const auto payload = nlohmann::json::parse(metrics[0].payload_json);
  const auto speech_end_ms = payload["caller_speech_end_ms"].get<std::int64_t>();
  const auto stt_final_ms = payload["stt_final_ms"].get<std::int64_t>();
  EXPECT_LT(speech_end_ms, stt_final_ms) << payload.dump();
  EXPECT_GE(stt_final_ms - speech_end_ms, 80) << "the speech ended ~100 ms before the STT's final";
  EXPECT_LE(stt_final_ms - speech_end_ms, 140) << payload.dump();
}

// The caller's audio reaches the STT 100 ms at a time, except the silence after their
// speech until the turn ends, which the STT's endpointing counts: every frame at once.
TEST_F(CallTest, CallerAudioReachesTheSttInBatchesExceptTheSilenceThatEndsATurn) {
  start_call();
  play_to_end();
  caller_audio(false, 400ms);
  EXPECT_EQ(stt_session().audio_chunk_count(), 4U) << "400 ms of quiet in 100 ms batches";
  EXPECT_EQ(stt_session().last_stream_offset_ms(), 300);
  caller_audio(true, 200ms);
  EXPECT_EQ(stt_session().audio_chunk_count(), 6U) << "speech mid-utterance in 100 ms batches";
  EXPECT_EQ(stt_session().last_stream_offset_ms(), 500);
  for (int frame = 0; frame < 30; ++frame) {
    caller_audio(false, 20ms);
    EXPECT_EQ(stt_session().audio_chunk_count(), 7U + frame) << "quiet frame " << frame << " after speech";
    EXPECT_EQ(stt_session().last_stream_offset_ms(), 600 + 20 * frame);
  }
  caller_says("hello");  // the STT ends the turn
  caller_audio(false, 400ms);
  EXPECT_EQ(stt_session().audio_chunk_count(), 36U + 4U) << "the turn is over: batches again";
  EXPECT_EQ(stt_session().audio_byte_count(), 1600U * 8U) << "nothing lost or repeated";
}

// The STT's speech start and words are barge-in triggers: while the agent speaks, the
// caller's sound goes at once. A greeting that cannot be interrupted waits for nothing.
TEST_F(CallTest, CallerSoundOverTheAgentGoesToTheSttAtOnce) {
  start_call();  // the greeting is playing
  caller_audio(false, 100ms);
  EXPECT_EQ(stt_session().audio_chunk_count(), 1U);
  caller_audio(true, 60ms);
  EXPECT_EQ(stt_session().audio_chunk_count(), 4U);
}

TEST_F(CallTest, CallerSoundOverAnUninterruptibleGreetingIsBatched) {
  agent.greeting_interruptible = false;
  start_call();
  caller_audio(false, 100ms);
  caller_audio(true, 60ms);
  EXPECT_EQ(stt_session().audio_chunk_count(), 1U);
}

TEST_F(CallTest, EveryFrameGoesToTheSttAtOnceWithBatchingOff) {
  agent.stt_batch_ms = 0;
  start_call();
  play_to_end();
  caller_audio(false, 400ms);
  EXPECT_EQ(stt_session().audio_chunk_count(), 20U);
}

// A plugin's callback runs the call's reaction on the plugin's own thread when the call is
// idle — the vendor's answer reaches the next vendor without a worker wake-up — but the
// plugin's own session is never called from inside its callback (it may hold the lock the
// call would take): that part waits for a worker.
class CallOnPluginThreadsTest : public CallTest {
 protected:
  CallOnPluginThreadsTest() {
    agent.initial_message = "";  // the caller speaks first
    call_workers = &queued;
  }
  QueueExecutor queued;
};

TEST_F(CallOnPluginThreadsTest, TheSttsFinalReachesTheLlmInsideItsCallbackAndFinalizeWaitsForAWorker) {
  llm->set_auto_reply({});
  start_call();
  queued.run_all();
  ASSERT_TRUE(stt_session().emit_final("I need an appointment", true));
  EXPECT_EQ(llm_session().request_count(), 1U) << "the request left on the STT's thread";
  EXPECT_EQ(stt_session().finalize_count(), 0) << "the STT's own session waits for a worker";
  queued.run_all();
  EXPECT_EQ(stt_session().finalize_count(), 1);
  EXPECT_TRUE(stt_session().calls_inside_callback().empty())
      << ::testing::PrintToString(stt_session().calls_inside_callback());
}

TEST_F(CallOnPluginThreadsTest, AFailedLlmIsCancelledFromAWorkerNotFromItsOwnCallback) {
  llm->set_auto_reply({});
  start_call();
  queued.run_all();
  caller_says("hello");
  queued.run_all();
  ASSERT_EQ(llm_session().request_count(), 1U);
  const std::uint64_t request_id = llm_session().last_request()->request_id;
  ASSERT_TRUE(llm_session().fail(request_id, Status(ErrorCode::unavailable, "model overloaded")));
  EXPECT_FALSE(llm_session().was_cancelled(request_id));
  queued.run_all();
  EXPECT_TRUE(llm_session().was_cancelled(request_id));
  EXPECT_TRUE(llm_session().calls_inside_callback().empty())
      << ::testing::PrintToString(llm_session().calls_inside_callback());
}

TEST_F(CallOnPluginThreadsTest, TtsAudioGoesToTwilioInsideTheTtsCallback) {
  tts->set_auto_mode(false);
  start_call();
  queued.run_all();
  caller_says("hello");
  queued.run_all();
  ASSERT_FALSE(tts_session().synthesize_calls().empty());
  const std::uint64_t utterance_id = tts_session().synthesize_calls().front().utterance_id;
  const std::vector<std::uint8_t> audio(1600, 0x55);  // 200 ms
  ASSERT_TRUE(tts_session().emit_audio(utterance_id, audio));
  EXPECT_GT(sender->audio_bytes(), 0U) << "the first audio left on the TTS's thread, no worker in between";
  EXPECT_TRUE(tts_session().calls_inside_callback().empty());
}

TEST_F(CallTest, SecondCallGetsTheGreetingFromTheCache) {
  start_call();
  play_to_end();
  EXPECT_TRUE(phrases->find(tts->voice_key(), agent.initial_message));
  call->on_stream_closed("done");
  auto second_sender = std::make_shared<RecordingMediaSender>();
  sender = second_sender;
  start_call();
  EXPECT_GT(second_sender->audio_bytes(), 0U) << "audio before any TTS call";
  EXPECT_TRUE(tts_session().synthesize_calls().empty());
}

}  // namespace
}  // namespace callagent::pipeline
