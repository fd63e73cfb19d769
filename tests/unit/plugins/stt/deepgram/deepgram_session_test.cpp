// stt_deepgram against the in-process fake Deepgram (tools/mock-vendors/deepgram): the
// wire format, the recorded payloads, endpointing, and every fault mode.
// No timing assertions: waits are bounded conditions, times are on the audio timeline.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "caller_audio.h"
#include "deepgram_fixtures.h"
#include "plugins/stt/deepgram/deepgram_session.h"
#include "plugins/stt/deepgram/deepgram_stt.h"
#include "stt_event_recorder.h"
#include "tests/fakes/recording_logger.h"
#include "tools/mock-vendors/deepgram/fake_deepgram.h"

using namespace std::chrono_literals;

namespace callagent::plugins::deepgram {
namespace {

using callagent::testing::RecordingLogger;
using mock::FakeDeepgram;
using mock::FakeDeepgramOptions;
using testing::CallerAudio;
using testing::SttEvent;
using testing::SttEventRecorder;
using Fault = FakeDeepgramOptions::Fault;

constexpr const char* kKey = "test-deepgram-key";

// A provider, a session and a listener on one fake server.
class Harness {
 public:
  explicit Harness(const std::string& base_url, const std::string& extra_config = "",
                   const std::string& api_key = kKey) {
    const std::string config = R"({"api_key": ")" + api_key + R"(", "base_url": ")" + base_url + "\"" +
                               (extra_config.empty() ? "" : ", " + extra_config) + "}";
    auto created = DeepgramStt::create(ProviderContext{config, logger, ""});
    EXPECT_TRUE(created.is_ok()) << created.status().message();
    provider = std::move(created).value();
    auto opened = provider->open_session(SessionContext{call, logger}, listener);
    EXPECT_TRUE(opened.is_ok()) << opened.status().message();
    session.reset(dynamic_cast<DeepgramSession*>(std::move(opened).value().release()));
  }
  ~Harness() { close(); }

  void close() {
    if (!session) return;
    session->close();
    listener.mark_closed();
  }
  std::vector<SttEvent> errors() const { return listener.of(SttEvent::Kind::error); }

  RecordingLogger logger;
  CallInfo call;
  SttEventRecorder listener;
  std::unique_ptr<DeepgramStt> provider;
  std::unique_ptr<DeepgramSession> session;
};

FakeDeepgramOptions energy_options(std::vector<std::string> transcripts) {
  FakeDeepgramOptions options;
  options.mode = FakeDeepgramOptions::Mode::energy;
  options.transcripts = std::move(transcripts);
  return options;
}

// Waits for a condition on the fake server (bounded).
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

bool contains(const std::vector<std::string>& messages, const std::string& text) {
  return std::find(messages.begin(), messages.end(), text) != messages.end();
}

// A port nothing listens on: a fake started and stopped again.
std::string closed_base_url() {
  FakeDeepgram server(FakeDeepgramOptions{});
  server.start();
  const std::string url = server.base_url();
  server.stop();
  return url;
}

TEST(DeepgramSession, RecordedPayloadsMapToExactResults) {
  FakeDeepgramOptions options;
  options.mode = FakeDeepgramOptions::Mode::replay;
  options.replay_payloads = {testing::kSpeechStarted, testing::kInterim, testing::kTestingResults,
                             testing::kUtteranceEnd, testing::kEmptyFinal, testing::kTranquility,
                             R"({"type":"SomethingNew"})"};
  FakeDeepgram server(options);
  server.start();
  Harness harness(server.base_url());
  CallerAudio(*harness.session).silence(100);
  ASSERT_TRUE(harness.listener.wait_for(SttEvent::Kind::result, 4));
  ASSERT_TRUE(harness.listener.wait_for(SttEvent::Kind::utterance_end, 1));
  harness.close();

  const auto events = harness.listener.events();
  ASSERT_EQ(events.size(), 6U);
  EXPECT_EQ(events[0].kind, SttEvent::Kind::speech_started);
  EXPECT_EQ(events[0].time_ms, 9540);
  EXPECT_EQ(events[1].result.transcript, "another big");
  EXPECT_FALSE(events[1].result.is_final);

  const SttResult& testing_result = events[2].result;
  EXPECT_EQ(testing_result.transcript, "Testing. 123. Testing. 123.");
  EXPECT_TRUE(testing_result.is_final);
  EXPECT_TRUE(testing_result.speech_final);
  EXPECT_EQ(testing_result.start_ms, 740);
  EXPECT_EQ(testing_result.duration_ms, 3080);
  ASSERT_EQ(testing_result.words.size(), 4U);
  EXPECT_EQ(testing_result.words[0].text, "Testing.");
  EXPECT_EQ(testing_result.words[0].start_ms, 1220);
  EXPECT_EQ(testing_result.words[3].text, "123.");
  EXPECT_EQ(testing_result.words[3].end_ms, 3640);

  EXPECT_EQ(events[3].kind, SttEvent::Kind::utterance_end);
  EXPECT_EQ(events[3].time_ms, 2395);
  EXPECT_EQ(events[4].result.transcript, "");  // reported; the host ignores empty text
  EXPECT_TRUE(events[4].result.speech_final);
  EXPECT_EQ(events[5].result.transcript, "Ensure domestic tranquility.");
  EXPECT_EQ(events[5].result.start_ms, 5900);
  EXPECT_EQ(events[5].result.words[2].text, "tranquility.");
  EXPECT_EQ(harness.listener.events_after_close(), 0);
  EXPECT_EQ(harness.logger.all_text().find(kKey), std::string::npos);
}

TEST(DeepgramSession, QueryAuthorizationAndControlFramesAreExact) {
  FakeDeepgram server(energy_options({"Hello."}));
  server.start();
  Harness harness(server.base_url());
  CallerAudio audio(*harness.session);
  audio.silence(200);
  AudioChunk empty;  // never sent: an empty frame closes Deepgram's stream
  empty.stream_offset_ms = audio.offset_ms();
  EXPECT_TRUE(harness.session->send_audio(empty).is_ok());
  harness.session->finalize();
  ASSERT_TRUE(eventually([&] { return contains(server.text_messages(), R"({"type":"Finalize"})"); }));
  harness.close();

  EXPECT_EQ(server.last_raw_query(),
            "model=nova-2&language=en-US&encoding=mulaw&sample_rate=8000&channels=1&interim_results=true"
            "&endpointing=300&utterance_end_ms=1000&vad_events=true&smart_format=true&punctuate=true");
  EXPECT_EQ(server.last_headers()["authorization"], std::string("Token ") + kKey);
  EXPECT_TRUE(contains(server.text_messages(), R"({"type":"CloseStream"})"));
  EXPECT_EQ(server.text_messages().back(), R"({"type":"CloseStream"})");
  EXPECT_EQ(server.audio_bytes(), 200 * 8);
  EXPECT_EQ(server.empty_binary_frames(), 0);
  EXPECT_EQ(server.handshakes(), 1);
  // The fake answers CloseStream with Metadata, which close() waited for.
  EXPECT_EQ(harness.logger.count(LogLevel::debug, "Deepgram metadata"), 1U);
  EXPECT_TRUE(harness.errors().empty());
}

TEST(DeepgramSession, KeepAliveDuringSilence) {
  FakeDeepgram server(energy_options({}));
  server.start();
  Harness harness(server.base_url(), R"("keepalive_interval_ms": 50)");
  CallerAudio(*harness.session).silence(20);
  EXPECT_TRUE(eventually([&] { return contains(server.text_messages(), R"({"type":"KeepAlive"})"); }));
}

TEST(DeepgramSession, FinalizeFlushesTheUtteranceInProgress) {
  FakeDeepgram server(energy_options({"Book a table."}));
  server.start();
  Harness harness(server.base_url());
  CallerAudio audio(*harness.session);
  audio.silence(100);
  audio.speech(600);
  harness.session->finalize();
  ASSERT_TRUE(eventually([&] { return !harness.listener.finals().empty(); }));
  const auto finals = harness.listener.finals();
  EXPECT_EQ(finals.front().transcript, "Book a table.");
  EXPECT_FALSE(finals.front().speech_final);  // from_finalize, not endpointing
  EXPECT_EQ(finals.front().start_ms, 100);
}

TEST(DeepgramSession, EnergyModeMultipleUtterancesOnTheCallTimeline) {
  FakeDeepgram server(energy_options({"Hello there.", "I need help with my bill."}));
  server.start();
  Harness harness(server.base_url());
  CallerAudio audio(*harness.session);
  audio.silence(300);
  audio.speech(800);
  audio.silence(700);
  audio.speech(1000);
  audio.silence(1200);
  ASSERT_TRUE(harness.listener.wait_for(SttEvent::Kind::utterance_end, 1));
  ASSERT_TRUE(eventually([&] { return harness.listener.finals().size() >= 2; }));

  const auto finals = harness.listener.finals();
  ASSERT_EQ(finals.size(), 2U);
  EXPECT_EQ(finals[0].transcript, "Hello there.");
  EXPECT_TRUE(finals[0].speech_final);
  EXPECT_EQ(finals[0].start_ms, 300);
  EXPECT_EQ(finals[0].duration_ms, 800);
  ASSERT_EQ(finals[0].words.size(), 2U);
  EXPECT_EQ(finals[0].words[0].text, "Hello");
  EXPECT_EQ(finals[0].words[1].end_ms, 1100);
  EXPECT_EQ(finals[1].transcript, "I need help with my bill.");
  EXPECT_EQ(finals[1].start_ms, 1800);
  const auto started = harness.listener.of(SttEvent::Kind::speech_started);
  ASSERT_EQ(started.size(), 2U);
  EXPECT_EQ(started[0].time_ms, 300);
  EXPECT_EQ(started[1].time_ms, 1800);
  // 700 ms between the utterances is under utterance_end_ms; 1200 ms after the second is not.
  const auto ends = harness.listener.of(SttEvent::Kind::utterance_end);
  ASSERT_EQ(ends.size(), 1U);
  EXPECT_EQ(ends[0].time_ms, 2800);
  EXPECT_GT(harness.listener.of(SttEvent::Kind::result).size(), finals.size());  // interims came too
}

// Audio queued faster than it is sent (here all 4 s at once, mostly before the
// connection is up) goes out joined into fewer, larger frames; every byte arrives, in
// order, so the speech lands exactly where it was on the call's timeline.
TEST(DeepgramSession, ABurstOfQueuedChunksArrivesCompleteAndInOrder) {
  FakeDeepgram server(energy_options({"All of it."}));
  server.start();
  Harness harness(server.base_url());
  CallerAudio audio(*harness.session);
  audio.silence(2000);
  audio.speech(600);
  audio.silence(1400);
  ASSERT_TRUE(eventually([&] { return !harness.listener.finals().empty(); }));
  ASSERT_TRUE(eventually([&] { return server.audio_bytes() == 4000 * 8; }));
  const auto finals = harness.listener.finals();
  ASSERT_EQ(finals.size(), 1U);
  EXPECT_EQ(finals[0].transcript, "All of it.");
  EXPECT_EQ(finals[0].start_ms, 2000);
  EXPECT_EQ(finals[0].duration_ms, 600);
  EXPECT_EQ(harness.listener.of(SttEvent::Kind::speech_started).front().time_ms, 2000);
  EXPECT_EQ(server.empty_binary_frames(), 0);
  EXPECT_TRUE(harness.errors().empty());
}

// Caller audio is normally written to Deepgram's socket on the caller's own thread
// (stream_worker.h). A server that stops reading must never hold that thread up: once
// the kernel's send queue fills, audio waits in the backlog (the newest 10 s kept) and
// the worker sends it when the server reads again.
TEST(DeepgramSession, AStalledServerNeverHoldsUpTheCaller) {
  FakeDeepgramOptions options = energy_options({"Still here."});
  options.fault = Fault::stall;
  options.stall_ms = 5000;
  FakeDeepgram server(options);
  server.start();
  Harness harness(server.base_url());
  ASSERT_TRUE(eventually([&] { return server.connections() == 1; }));
  CallerAudio audio(*harness.session);
  audio.silence(80'000);  // 640 KB: more than the server's receive window and our send buffer
  audio.speech(600);
  audio.silence(1400);
  // Every send_audio returned while the server had read nothing at all.
  EXPECT_EQ(server.audio_bytes(), 0);
  // When it reads again, the newest audio arrives in order: the utterance is heard.
  ASSERT_TRUE(eventually([&] { return !harness.listener.finals().empty(); }, 20s));
  EXPECT_EQ(harness.listener.finals().front().transcript, "Still here.");
  EXPECT_EQ(harness.logger.count(LogLevel::warn, "dropping the oldest buffered audio"), 1U);
  EXPECT_TRUE(harness.errors().empty());
}

TEST(DeepgramSession, RejectedKeyIsOneFatalErrorWithoutRetries) {
  FakeDeepgram server(energy_options({}));
  server.start();
  Harness harness(server.base_url(), "", "wrong-key-123");
  CallerAudio(*harness.session).silence(100);
  ASSERT_TRUE(harness.listener.wait_for(SttEvent::Kind::error, 1));
  std::this_thread::sleep_for(300ms);  // room for a wrong retry to show up
  const auto errors = harness.errors();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_FALSE(errors[0].recoverable);
  EXPECT_EQ(errors[0].error.code(), ErrorCode::unauthenticated);
  EXPECT_EQ(errors[0].error.message(),
            "Deepgram rejected the API key (HTTP 401; dg-error: Invalid credentials.)");
  EXPECT_EQ(server.handshakes(), 1);
  EXPECT_EQ(server.connections(), 0);
  EXPECT_EQ(harness.logger.all_text().find("wrong-key-123"), std::string::npos);
}

// Handshake refused once (429 or 500): the session retries, and the audio the caller
// spoke meanwhile is recognised on the call's timeline.
void expect_recovers_from_handshake_fault(Fault fault, ErrorCode expected_code) {
  auto options = energy_options({"Still here."});
  options.fault = fault;
  FakeDeepgram server(options);
  server.start();
  Harness harness(server.base_url());
  CallerAudio audio(*harness.session);
  audio.silence(200);
  audio.speech(600);
  audio.silence(400);
  ASSERT_TRUE(eventually([&] { return !harness.listener.finals().empty(); }));
  const auto errors = harness.errors();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_TRUE(errors[0].recoverable);
  EXPECT_EQ(errors[0].error.code(), expected_code);
  EXPECT_EQ(server.handshakes(), 2);
  const auto finals = harness.listener.finals();
  EXPECT_EQ(finals[0].transcript, "Still here.");
  EXPECT_EQ(finals[0].start_ms, 200);
  EXPECT_EQ(harness.logger.count(LogLevel::warn, "reconnecting (attempt 2)"), 1U);
  EXPECT_EQ(harness.logger.all_text().find(kKey), std::string::npos);
}

TEST(DeepgramSession, RateLimitedHandshakeIsRetried) {
  expect_recovers_from_handshake_fault(Fault::rate_limited, ErrorCode::rate_limited);
}

TEST(DeepgramSession, ServerErrorHandshakeIsRetried) {
  expect_recovers_from_handshake_fault(Fault::server_error, ErrorCode::unavailable);
}

// The stream breaks after 500 ms of audio; the caller speaks after the break, and the
// result lands where the speech was on the call's timeline (Deepgram restarted at 0).
void expect_recovers_mid_stream(Fault fault, const std::string& error_fragment) {
  auto options = energy_options({"After the outage."});
  options.fault = fault;
  options.fault_after_audio_ms = 500;
  FakeDeepgram server(options);
  server.start();
  Harness harness(server.base_url());
  CallerAudio audio(*harness.session);
  audio.silence(1000);
  ASSERT_TRUE(harness.listener.wait_for(SttEvent::Kind::error, 1));
  audio.speech(800);  // sent during the outage (backoff), or just after it
  audio.silence(500);
  ASSERT_TRUE(eventually([&] { return !harness.listener.finals().empty(); }));
  const auto errors = harness.errors();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_TRUE(errors[0].recoverable);
  EXPECT_NE(errors[0].error.message().find(error_fragment), std::string::npos) << errors[0].error.message();
  const auto finals = harness.listener.finals();
  EXPECT_EQ(finals[0].transcript, "After the outage.");
  EXPECT_EQ(finals[0].start_ms, 1000);
  EXPECT_EQ(finals[0].duration_ms, 800);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(harness.listener.of(SttEvent::Kind::speech_started).front().time_ms, 1000);
}

TEST(DeepgramSession, DroppedConnectionReconnectsAndTheTimelineContinues) {
  expect_recovers_mid_stream(Fault::drop_connection, "Deepgram");
}

TEST(DeepgramSession, CloseNet0000ReconnectsAndTheTimelineContinues) {
  expect_recovers_mid_stream(Fault::close_net_0000, "close 1011 NET-0000");
}

// Audio Deepgram cannot decode would fail again on a new connection: one fatal error that
// says what is wrong, and no reconnect.
TEST(DeepgramSession, CloseData0000IsOneFatalErrorWithoutReconnecting) {
  auto options = energy_options({"never heard"});
  options.fault = Fault::close_data_0000;
  options.fault_after_audio_ms = 200;
  FakeDeepgram server(options);
  server.start();
  Harness harness(server.base_url());
  CallerAudio(*harness.session).silence(600);
  ASSERT_TRUE(harness.listener.wait_for(SttEvent::Kind::error, 1));
  std::this_thread::sleep_for(300ms);  // a reconnect, if any, would have started by now
  const auto errors = harness.errors();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_FALSE(errors[0].recoverable);
  EXPECT_EQ(errors[0].error.code(), ErrorCode::vendor_error);
  EXPECT_NE(errors[0].error.message().find("could not decode the audio"), std::string::npos)
      << errors[0].error.message();
  EXPECT_NE(errors[0].error.message().find("close 1008 DATA-0000"), std::string::npos);
  EXPECT_EQ(server.handshakes(), 1);
}

// Deepgram closes a stream that has heard nothing for its idle timeout (NET-0001); the
// plugin's KeepAlive during a pause in the audio keeps the stream open.
TEST(DeepgramSession, KeepAliveKeepsAnIdleStreamOpenPastDeepgramsTimeout) {
  auto options = energy_options({"still here"});
  options.idle_close_ms = 600;
  FakeDeepgram server(options);
  server.start();
  Harness harness(server.base_url(), R"("keepalive_interval_ms": 200)");
  CallerAudio audio(*harness.session);
  audio.silence(100);
  std::this_thread::sleep_for(1500ms);  // the host sends no audio: on hold, say
  audio.speech(600);
  audio.silence(600);
  ASSERT_TRUE(eventually([&] { return !harness.listener.finals().empty(); }));
  EXPECT_EQ(harness.listener.finals()[0].transcript, "still here");
  EXPECT_TRUE(harness.errors().empty());
  EXPECT_EQ(server.handshakes(), 1);
}

// Without KeepAlive (interval longer than Deepgram's timeout) the stream is closed with
// NET-0001: a recoverable error naming it, then a reconnect, and the call goes on.
TEST(DeepgramSession, CloseNet0001ReconnectsAndSaysWhy) {
  auto options = energy_options({"after the pause"});
  options.idle_close_ms = 400;
  FakeDeepgram server(options);
  server.start();
  Harness harness(server.base_url(), R"("keepalive_interval_ms": 5000)");
  CallerAudio audio(*harness.session);
  audio.silence(100);
  ASSERT_TRUE(harness.listener.wait_for(SttEvent::Kind::error, 1));
  audio.speech(600);
  audio.silence(600);
  ASSERT_TRUE(eventually([&] { return !harness.listener.finals().empty(); }));
  const auto errors = harness.errors();
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_TRUE(errors[0].recoverable);
  EXPECT_NE(errors[0].error.message().find("close 1011 NET-0001"), std::string::npos)
      << errors[0].error.message();
  EXPECT_EQ(harness.listener.finals()[0].transcript, "after the pause");
  EXPECT_GE(server.handshakes(), 2);
}

TEST(DeepgramSession, ExhaustedAttemptsEndInOneFatalError) {
  Harness harness(closed_base_url(), R"("reconnect_attempts": 2)");
  CallerAudio(*harness.session).silence(100);
  ASSERT_TRUE(harness.listener.wait_until([](const std::vector<SttEvent>& events) {
    return std::any_of(events.begin(), events.end(), [](const SttEvent& e) {
      return e.kind == SttEvent::Kind::error && !e.recoverable;
    });
  }));
  std::this_thread::sleep_for(100ms);
  const auto errors = harness.errors();
  ASSERT_EQ(errors.size(), 3U);
  EXPECT_TRUE(errors[0].recoverable);
  EXPECT_TRUE(errors[1].recoverable);
  EXPECT_FALSE(errors[2].recoverable);
  EXPECT_EQ(errors[2].error.code(), ErrorCode::unavailable);
  EXPECT_EQ(harness.logger.count(LogLevel::warn, "reconnecting (attempt 2)"), 1U);
  EXPECT_EQ(harness.logger.count(LogLevel::warn, "reconnecting (attempt 3)"), 1U);
}

TEST(DeepgramSession, MalformedMessagesAreCountedLoggedOnceAndIgnored) {
  FakeDeepgramOptions options;
  options.mode = FakeDeepgramOptions::Mode::replay;
  options.replay_payloads = {testing::kTestingResults};
  options.fault = Fault::malformed_json;
  FakeDeepgram server(options);
  server.start();
  Harness harness(server.base_url());
  CallerAudio(*harness.session).silence(100);
  ASSERT_TRUE(harness.listener.wait_for(SttEvent::Kind::result, 1));
  EXPECT_EQ(harness.session->malformed_messages(), 2U);
  EXPECT_EQ(harness.logger.count(LogLevel::warn, "malformed"), 1U);
  EXPECT_EQ(harness.listener.finals().front().transcript, "Testing. 123. Testing. 123.");
  EXPECT_TRUE(harness.errors().empty());
}

TEST(DeepgramSession, SlowServerStillDelivers) {
  FakeDeepgramOptions options;
  options.mode = FakeDeepgramOptions::Mode::replay;
  options.replay_payloads = {testing::kTestingResults};
  options.fault = Fault::slow;
  options.slow_delay_ms = 300;
  FakeDeepgram server(options);
  server.start();
  Harness harness(server.base_url());
  CallerAudio(*harness.session).silence(100);
  ASSERT_TRUE(harness.listener.wait_for(SttEvent::Kind::result, 1));
  EXPECT_TRUE(harness.errors().empty());
}

TEST(DeepgramSession, CloseDuringReconnectReturnsAndSilencesCallbacks) {
  Harness harness(closed_base_url(), R"("reconnect_attempts": 20)");
  CallerAudio(*harness.session).silence(100);
  ASSERT_TRUE(harness.listener.wait_for(SttEvent::Kind::error, 1));
  harness.close();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(harness.listener.events_after_close(), 0);
  EXPECT_FALSE(harness.session->send_audio(AudioChunk{}).is_ok());
}

}  // namespace
}  // namespace callagent::plugins::deepgram
