// Tests for tools/call-sim: the pure parts with made-up times (playback, pacing, message
// numbering, the script runner, TwiML, host frames, latencies), audio loading and Flite
// speech, and loopback calls against a tiny Twilio-speaking host started in this process.
#include <gtest/gtest.h>

#include <Poco/Buffer.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/Timespan.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sndfile.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numeric>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/audio/base64.h"
#include "host/audio/mulaw.h"
#include "host/twilio/form_params.h"
#include "host/twilio/media_stream_messages.h"
#include "host/twilio/request_signature.h"
#include "tools/call-sim/audio_source.h"
#include "tools/call-sim/call_driver.h"
#include "tools/call-sim/call_events.h"
#include "tools/call-sim/call_latency.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/caller_audio_pacer.h"
#include "tools/call-sim/command_line.h"
#include "tools/call-sim/host_frame_parser.h"
#include "tools/call-sim/http_connection.h"
#include "tools/call-sim/playback_model.h"
#include "tools/call-sim/script_runner.h"
#include "tools/call-sim/simulated_call.h"
#include "tools/call-sim/twilio_message_writer.h"
#include "tools/call-sim/twiml_stream_parser.h"

namespace callagent::callsim {
namespace {

using namespace std::chrono_literals;
using TimePoint = std::chrono::steady_clock::time_point;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

std::vector<std::uint8_t> counting_bytes(std::size_t count, std::uint8_t first = 0) {
  std::vector<std::uint8_t> bytes(count);
  std::iota(bytes.begin(), bytes.end(), first);
  return bytes;
}

// ---------------------------------------------------------------------------------------
// PlaybackModel

// Waits up to `limit` for `done` (under `mutex`), for the driver's thread.
template <typename Predicate>
bool wait_until_done(std::mutex& mutex, std::condition_variable& changed, Predicate done,
                     std::chrono::milliseconds limit = 10s) {
  std::unique_lock lock(mutex);
  return changed.wait_for(lock, limit, done);
}

TEST(CallDriver, TimersRunInDeadlineOrderNeverBeforeTheirTime) {
  CallDriver driver("test-driver", std::chrono::microseconds(1000));
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::pair<int, bool>> fired;  // which timer, and whether on time or later
  const auto start = CallDriver::Clock::now();
  const auto add = [&](int which, std::chrono::milliseconds after) {
    const auto due = start + after;
    return driver.add_timer(due, [&, which, due](CallDriver::TimePoint now) -> std::optional<CallDriver::TimePoint> {
      std::lock_guard lock(mutex);
      fired.emplace_back(which, now >= due && CallDriver::Clock::now() >= due);
      changed.notify_all();
      return std::nullopt;
    });
  };
  add(3, 60ms);
  add(1, 20ms);
  add(2, 40ms);
  ASSERT_TRUE(wait_until_done(mutex, changed, [&] { return fired.size() == 3; }));
  EXPECT_EQ(fired, (std::vector<std::pair<int, bool>>{{1, true}, {2, true}, {3, true}}));
}

TEST(CallDriver, TimersDueWithinTheSlackShareOneWakeUp) {
  CallDriver driver("test-driver", std::chrono::microseconds(20000));
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<CallDriver::TimePoint> passes;  // the `now` each timer was run with
  const auto record = [&](CallDriver::TimePoint now) -> std::optional<CallDriver::TimePoint> {
    std::lock_guard lock(mutex);
    passes.push_back(now);
    changed.notify_all();
    return std::nullopt;
  };
  const auto start = CallDriver::Clock::now();
  driver.add_timer(start + 30ms, record);
  driver.add_timer(start + 35ms, record);
  ASSERT_TRUE(wait_until_done(mutex, changed, [&] { return passes.size() == 2; }));
  EXPECT_EQ(passes[0], passes[1]);
}

TEST(CallDriver, ATimerRunsAgainWhenItAsksAndEarlierWhenBroughtForward) {
  CallDriver driver("test-driver", std::chrono::microseconds(1000));
  std::mutex mutex;
  std::condition_variable changed;
  int runs = 0;
  const auto timer = driver.add_timer(CallDriver::Clock::now(), [&](CallDriver::TimePoint now) {
    std::lock_guard lock(mutex);
    ++runs;
    changed.notify_all();
    // First run: again in 5 ms; then a minute away.
    return std::optional<CallDriver::TimePoint>(now + (runs == 1 ? std::chrono::milliseconds(5) : std::chrono::milliseconds(60000)));
  });
  ASSERT_TRUE(wait_until_done(mutex, changed, [&] { return runs == 2; }));
  driver.run_timer_by(timer, CallDriver::Clock::now() + 10ms);
  EXPECT_TRUE(wait_until_done(mutex, changed, [&] { return runs == 3; })) << "still waiting for the minute";
  driver.remove_timer(timer);
}

TEST(CallDriver, RemovingATimerWaitsOutItsRunningCallback) {
  CallDriver driver("test-driver", std::chrono::microseconds(1000));
  std::mutex mutex;
  std::condition_variable changed;
  bool started = false;
  std::atomic<bool> finished{false};
  const auto timer = driver.add_timer(CallDriver::Clock::now(), [&](CallDriver::TimePoint) {
    {
      std::lock_guard lock(mutex);
      started = true;
      changed.notify_all();
    }
    std::this_thread::sleep_for(100ms);
    finished = true;
    return std::optional<CallDriver::TimePoint>();
  });
  ASSERT_TRUE(wait_until_done(mutex, changed, [&] { return started; }));
  driver.remove_timer(timer);
  EXPECT_TRUE(finished.load());
}

TEST(CallDriver, ReadsWhenAWatchedFdIsReadableAndStopsAtUnwatch) {
  CallDriver driver("test-driver", std::chrono::microseconds(1000));
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::mutex mutex;
  std::condition_variable changed;
  std::string received;
  const auto watch = driver.watch(fds[0], [&] {
    char buffer[16];
    const auto count = ::read(fds[0], buffer, sizeof buffer);
    std::lock_guard lock(mutex);
    if (count > 0) received.append(buffer, static_cast<std::size_t>(count));
    changed.notify_all();
  });
  ASSERT_EQ(::write(fds[1], "ab", 2), 2);
  ASSERT_TRUE(wait_until_done(mutex, changed, [&] { return received == "ab"; }));
  driver.unwatch(watch);
  ASSERT_EQ(::write(fds[1], "c", 1), 1);
  std::this_thread::sleep_for(50ms);
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(received, "ab");
  }
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(PlaybackModel, MarksReturnInOrderOnlyAfterTheAudioBeforeThemHasPlayed) {
  PlaybackModel playback;
  auto update = playback.enqueue_audio(counting_bytes(800), kT0);  // 100 ms
  ASSERT_TRUE(update.started_at.has_value());
  EXPECT_EQ(*update.started_at, kT0);
  EXPECT_TRUE(playback.enqueue_mark("a", kT0 + 1ms).returned_marks.empty());
  EXPECT_TRUE(playback.enqueue_audio(counting_bytes(400), kT0 + 2ms).returned_marks.empty());  // 50 ms
  EXPECT_TRUE(playback.enqueue_mark("b", kT0 + 3ms).returned_marks.empty());
  EXPECT_EQ(playback.pending_mark_count(), 2U);

  EXPECT_EQ(playback.next_mark_due(), kT0 + 100ms);
  EXPECT_TRUE(playback.advance(kT0 + 99ms).returned_marks.empty());
  EXPECT_EQ(playback.next_mark_due(), kT0 + 100ms);
  EXPECT_EQ(playback.advance(kT0 + 100ms).returned_marks, std::vector<std::string>{"a"});
  EXPECT_EQ(playback.next_mark_due(), kT0 + 150ms);
  EXPECT_TRUE(playback.advance(kT0 + 149ms).returned_marks.empty());
  EXPECT_TRUE(playback.is_playing());
  update = playback.advance(kT0 + 170ms);
  EXPECT_EQ(update.returned_marks, std::vector<std::string>{"b"});
  ASSERT_TRUE(update.finished_at.has_value());
  EXPECT_EQ(*update.finished_at, kT0 + 150ms);  // the exact end, not the time we looked
  EXPECT_FALSE(playback.is_playing());
  EXPECT_EQ(playback.silent_since(), kT0 + 150ms);
  EXPECT_EQ(playback.pending_mark_count(), 0U);
  EXPECT_FALSE(playback.next_mark_due().has_value());
}

TEST(PlaybackModel, MarkWithNothingBufferedIsReturnedAtOnce) {
  PlaybackModel playback;
  EXPECT_EQ(playback.enqueue_mark("idle", kT0).returned_marks, std::vector<std::string>{"idle"});
  playback.enqueue_audio(counting_bytes(80), kT0);
  playback.advance(kT0 + 10ms);
  EXPECT_EQ(playback.enqueue_mark("after", kT0 + 20ms).returned_marks, std::vector<std::string>{"after"});
}

TEST(PlaybackModel, ClearDropsBufferedAudioAndReturnsEveryPendingMarkAtOnce) {
  PlaybackModel playback;
  playback.enqueue_audio(counting_bytes(8000), kT0);  // 1 s
  playback.enqueue_mark("m1", kT0);
  playback.enqueue_audio(counting_bytes(800), kT0);
  playback.enqueue_mark("m2", kT0);

  const auto update = playback.clear(kT0 + 250ms);
  EXPECT_EQ(update.returned_marks, (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(update.dropped_bytes, 8000U + 800U - 2000U);
  ASSERT_TRUE(update.finished_at.has_value());
  EXPECT_EQ(*update.finished_at, kT0 + 250ms);
  EXPECT_FALSE(playback.is_playing());
  EXPECT_EQ(playback.recording().size(), 2000U);
  EXPECT_EQ(playback.played_bytes(), 2000U);
  EXPECT_TRUE(playback.advance(kT0 + 5s).returned_marks.empty());
  EXPECT_EQ(playback.recording().size(), 2000U);
}

TEST(PlaybackModel, RecordingHoldsExactlyWhatPlayedInOrder) {
  PlaybackModel playback;
  const auto first = counting_bytes(240, 0);    // 30 ms
  const auto second = counting_bytes(160, 100); // 20 ms
  playback.enqueue_audio(first, kT0);
  playback.enqueue_audio(second, kT0);
  playback.advance(kT0 + 10ms);
  ASSERT_EQ(playback.recording().size(), 80U);
  playback.advance(kT0 + 35ms);
  ASSERT_EQ(playback.recording().size(), 280U);
  playback.advance(kT0 + 2s);  // silence after 50 ms is not recorded
  // A later utterance starts when it arrives and follows the first in the recording.
  const auto third = counting_bytes(80, 200);
  const auto update = playback.enqueue_audio(third, kT0 + 3s);
  ASSERT_TRUE(update.started_at.has_value());
  EXPECT_EQ(*update.started_at, kT0 + 3s);
  playback.advance(kT0 + 3s + 10ms);

  std::vector<std::uint8_t> expected(first);
  expected.insert(expected.end(), second.begin(), second.end());
  expected.insert(expected.end(), third.begin(), third.end());
  EXPECT_EQ(playback.recording(), expected);
  EXPECT_EQ(playback.playback_count(), 2U);
}

TEST(PlaybackModel, TinyClockStepsLoseNoBytes) {
  PlaybackModel playback;
  playback.enqueue_audio(counting_bytes(800), kT0);
  playback.enqueue_mark("end", kT0);
  TimePoint now = kT0;
  std::vector<std::string> returned;
  while (now < kT0 + 100ms) {
    now += 37us;
    auto update = playback.advance(now);
    returned.insert(returned.end(), update.returned_marks.begin(), update.returned_marks.end());
    if (now < kT0 + 100ms) {
      EXPECT_TRUE(update.returned_marks.empty()) << "mark returned early";
    }
  }
  EXPECT_EQ(returned, std::vector<std::string>{"end"});
  EXPECT_EQ(playback.played_bytes(), 800U);
}

TEST(PlaybackModel, WithoutRecordingStillCountsPlayedBytes) {
  PlaybackModel playback(/*keep_recording=*/false);
  playback.enqueue_audio(counting_bytes(800), kT0);
  playback.advance(kT0 + 1s);
  EXPECT_TRUE(playback.recording().empty());
  EXPECT_EQ(playback.played_bytes(), 800U);
}

// ---------------------------------------------------------------------------------------
// CallerAudioPacer and TwilioMessageWriter

TEST(CallerAudioPacer, SendsNumberedSilenceWhileTheCallerIsQuiet) {
  CallerAudioPacer pacer;
  for (std::uint64_t chunk = 1; chunk <= 5; ++chunk) {
    const CallerFrame frame = pacer.next_frame();
    EXPECT_EQ(frame.chunk, chunk);
    EXPECT_EQ(frame.timestamp_ms, static_cast<std::int64_t>(chunk - 1) * 20);
    EXPECT_FALSE(frame.carries_speech);
    EXPECT_TRUE(std::all_of(frame.mulaw_audio.begin(), frame.mulaw_audio.end(),
                            [](std::uint8_t byte) { return byte == audio::kMulawSilence; }));
  }
}

TEST(CallerAudioPacer, CutsSpeechInto160ByteFramesAndPadsTheLast) {
  CallerAudioPacer pacer;
  pacer.next_frame();  // one silence frame first
  const auto speech = counting_bytes(400, 1);
  pacer.queue_speech(speech);

  const CallerFrame first = pacer.next_frame();
  const CallerFrame second = pacer.next_frame();
  const CallerFrame third = pacer.next_frame();
  const CallerFrame after = pacer.next_frame();

  EXPECT_EQ(first.chunk, 2U);
  EXPECT_TRUE(first.starts_speech && first.carries_speech && !first.ends_speech);
  EXPECT_TRUE(!second.starts_speech && second.carries_speech && !second.ends_speech);
  EXPECT_TRUE(third.carries_speech && third.ends_speech);
  EXPECT_FALSE(after.carries_speech);
  EXPECT_TRUE(std::equal(first.mulaw_audio.begin(), first.mulaw_audio.end(), speech.begin()));
  EXPECT_TRUE(std::equal(second.mulaw_audio.begin(), second.mulaw_audio.end(), speech.begin() + 160));
  EXPECT_TRUE(std::equal(third.mulaw_audio.begin(), third.mulaw_audio.begin() + 80, speech.begin() + 320));
  EXPECT_TRUE(std::all_of(third.mulaw_audio.begin() + 80, third.mulaw_audio.end(),
                          [](std::uint8_t byte) { return byte == audio::kMulawSilence; }));
  EXPECT_EQ(after.timestamp_ms, 80);
  EXPECT_EQ(pacer.frames_produced(), 5U);
}

TEST(TwilioMessageWriter, NumbersEveryMessageAfterConnectedAcrossKinds) {
  TwilioMessageWriter writer({"MZ00000000000000000000000000000001", "AC1", "CA1"});
  const auto connected = twilio::parse_inbound_message(writer.connected());
  ASSERT_TRUE(connected.ok()) << connected.detail;
  EXPECT_TRUE(std::holds_alternative<twilio::ConnectedMessage>(connected.value()));

  const auto start = twilio::parse_inbound_message(writer.start({{"conversation_id", "c-1"}, {"a", "b&c"}}));
  ASSERT_TRUE(start.ok()) << start.detail;
  const auto& start_message = std::get<twilio::StartMessage>(start.value());
  EXPECT_EQ(start_message.sequence_number, 1U);
  EXPECT_EQ(start_message.stream_sid, "MZ00000000000000000000000000000001");
  EXPECT_EQ(start_message.call_sid, "CA1");
  EXPECT_EQ(start_message.account_sid, "AC1");
  EXPECT_EQ(start_message.tracks, std::vector<std::string>{"inbound"});
  EXPECT_EQ(start_message.encoding, "audio/x-mulaw");
  EXPECT_EQ(start_message.sample_rate_hz, 8000U);
  EXPECT_EQ(start_message.channels, 1U);
  ASSERT_EQ(start_message.custom_parameters.size(), 2U);
  EXPECT_EQ(start_message.custom_parameters[1].second, "b&c");

  CallerAudioPacer pacer;
  pacer.queue_speech(counting_bytes(200, 7));
  for (std::uint64_t expected_chunk = 1; expected_chunk <= 3; ++expected_chunk) {
    const auto media = twilio::parse_inbound_message(writer.media(pacer.next_frame()));
    ASSERT_TRUE(media.ok()) << media.detail;
    const auto& media_message = std::get<twilio::MediaMessage>(media.value());
    EXPECT_EQ(media_message.sequence_number, expected_chunk + 1);
    EXPECT_EQ(media_message.chunk, expected_chunk);
    EXPECT_EQ(media_message.timestamp_ms, static_cast<std::int64_t>(expected_chunk - 1) * 20);
    EXPECT_EQ(media_message.track, "inbound");
    EXPECT_EQ(media_message.payload.size(), kFrameBytes);
    if (expected_chunk == 1) {
      EXPECT_EQ(media_message.payload[0], 7);
    }
  }
  const auto mark = twilio::parse_inbound_message(writer.mark("m-1"));
  ASSERT_TRUE(mark.ok()) << mark.detail;
  EXPECT_EQ(std::get<twilio::MarkMessage>(mark.value()).sequence_number, 5U);
  EXPECT_EQ(std::get<twilio::MarkMessage>(mark.value()).name, "m-1");
  const auto dtmf = twilio::parse_inbound_message(writer.dtmf("7"));
  ASSERT_TRUE(dtmf.ok()) << dtmf.detail;
  EXPECT_EQ(std::get<twilio::DtmfMessage>(dtmf.value()).sequence_number, 6U);
  EXPECT_EQ(std::get<twilio::DtmfMessage>(dtmf.value()).digit, "7");
  const auto stop = twilio::parse_inbound_message(writer.stop());
  ASSERT_TRUE(stop.ok()) << stop.detail;
  EXPECT_EQ(std::get<twilio::StopMessage>(stop.value()).sequence_number, 7U);
  EXPECT_EQ(std::get<twilio::StopMessage>(stop.value()).call_sid, "CA1");
  EXPECT_EQ(writer.last_sequence_number(), 7U);
}

// ---------------------------------------------------------------------------------------
// TwiML and host frames

TEST(TwimlStreamParser, FindsConnectStreamUrlAndParameters) {
  const auto parsed = parse_stream_twiml(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Connect>
    <Stream url="wss://example.com/connect_call/abc">
      <Parameter name="conversation_id" value="abc"/>
      <Parameter name="FirstName" value="Jane"/>
    </Stream>
  </Connect>
</Response>)");
  ASSERT_TRUE(parsed) << parsed.status().message();
  EXPECT_EQ(parsed.value().url, "wss://example.com/connect_call/abc");
  EXPECT_TRUE(parsed.value().bidirectional);
  ASSERT_EQ(parsed.value().parameters.size(), 2U);
  EXPECT_EQ(find_parameter(parsed.value(), "conversation_id"), "abc");
  EXPECT_EQ(find_parameter(parsed.value(), "FirstName"), "Jane");
  EXPECT_EQ(find_parameter(parsed.value(), "missing"), "");
}

TEST(TwimlStreamParser, DecodesXmlEntitiesInParameterValuesAndUrl) {
  const auto parsed = parse_stream_twiml(
      "<Response><Connect><Stream url=\"wss://h/s?a=1&amp;b=2\">"
      "<Parameter name=\"note\" value=\"Tom &amp; Jerry &lt;3 &quot;hi&quot; it&#39;s &#x41;&#66;\"/>"
      "</Stream></Connect></Response>");
  ASSERT_TRUE(parsed) << parsed.status().message();
  EXPECT_EQ(parsed.value().url, "wss://h/s?a=1&b=2");
  EXPECT_EQ(find_parameter(parsed.value(), "note"), "Tom & Jerry <3 \"hi\" it's AB");
}

TEST(TwimlStreamParser, StartStreamIsOneWay) {
  const auto parsed = parse_stream_twiml("<Response><Start><Stream url=\"wss://h/s\"/></Start></Response>");
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed.value().bidirectional);
}

TEST(TwimlStreamParser, ExplainsDocumentsWithoutAStream) {
  const auto apology = parse_stream_twiml(
      "<Response><Say language=\"en-US\">Sorry, all lines are busy.</Say><Hangup/></Response>");
  ASSERT_FALSE(apology);
  EXPECT_NE(apology.status().message().find("TwiML has no <Stream>"), std::string::npos);
  EXPECT_NE(apology.status().message().find("Sorry, all lines are busy."), std::string::npos);
  EXPECT_NE(apology.status().message().find("<Hangup/>"), std::string::npos);

  const auto not_xml = parse_stream_twiml("{\"error\":\"nope\"}");
  ASSERT_FALSE(not_xml);
  EXPECT_NE(not_xml.status().message().find("not XML"), std::string::npos);

  const auto no_url = parse_stream_twiml("<Response><Connect><Stream/></Connect></Response>");
  ASSERT_FALSE(no_url);
  EXPECT_NE(no_url.status().message().find("no url"), std::string::npos);

  const auto wrong_root = parse_stream_twiml("<Reply/>");
  ASSERT_FALSE(wrong_root);
  EXPECT_NE(wrong_root.status().message().find("<Response>"), std::string::npos);
}

TEST(HostFrameParser, ParsesMediaMarkAndClear) {
  const std::string sid = "MZ1";
  std::string media_text;
  const std::vector<std::uint8_t> audio_bytes{0x00, 0x7F, 0xFF, 0x10};
  twilio::serialize_media(sid, audio_bytes, media_text);
  const auto media = parse_host_frame(media_text, sid);
  ASSERT_TRUE(media) << media.status().message();
  EXPECT_EQ(std::get<HostMedia>(media.value()).mulaw_audio, audio_bytes);

  std::string mark_text;
  twilio::serialize_mark(sid, "turn-1", mark_text);
  const auto mark = parse_host_frame(mark_text, sid);
  ASSERT_TRUE(mark) << mark.status().message();
  EXPECT_EQ(std::get<HostMark>(mark.value()).name, "turn-1");

  std::string clear_text;
  twilio::serialize_clear(sid, clear_text);
  const auto clear = parse_host_frame(clear_text, sid);
  ASSERT_TRUE(clear) << clear.status().message();
  EXPECT_TRUE(std::holds_alternative<HostClear>(clear.value()));
}

TEST(HostFrameParser, RefusesMalformedFramesWithSpecificReasons) {
  const auto reason = [](std::string_view text) {
    auto parsed = parse_host_frame(text, "MZ1");
    return parsed ? std::string("accepted") : parsed.status().message();
  };
  EXPECT_NE(reason("not json").find("not a JSON object"), std::string::npos);
  EXPECT_NE(reason(R"({"streamSid":"MZ1"})").find("no \"event\""), std::string::npos);
  EXPECT_NE(reason(R"({"event":"media","streamSid":"MZ2","media":{"payload":""}})").find("not this stream"),
            std::string::npos);
  EXPECT_NE(reason(R"({"event":"media","streamSid":"MZ1","media":{"payload":"!!!"}})").find("not base64"),
            std::string::npos);
  EXPECT_NE(reason(R"({"event":"media","streamSid":"MZ1"})").find("media"), std::string::npos);
  EXPECT_NE(reason(R"({"event":"mark","streamSid":"MZ1","mark":{}})").find("mark.name"), std::string::npos);
  EXPECT_NE(reason(R"({"event":"dance","streamSid":"MZ1"})").find("unknown event"), std::string::npos);
  EXPECT_NE(reason(R"({"event":"clear"})").find("streamSid"), std::string::npos);
}

TEST(HttpConnection, RebasesAPublicStreamUrlOntoTheHostAddress) {
  auto rebased = rebase_url("wss://abc.ngrok.app/connect_call/c-1", "http://127.0.0.1:3000");
  ASSERT_TRUE(rebased) << rebased.status().message();
  EXPECT_EQ(rebased.value(), "ws://127.0.0.1:3000/connect_call/c-1");
  rebased = rebase_url("ws://x/connect_call/c-1", "https://host.example");
  ASSERT_TRUE(rebased);
  EXPECT_EQ(rebased.value(), "wss://host.example:443/connect_call/c-1");
  EXPECT_FALSE(parse_http_target("ftp://x/"));
  auto target = parse_http_target("wss://h.example/a/b");
  ASSERT_TRUE(target);
  EXPECT_EQ(target.value().port, 443);
  EXPECT_TRUE(target.value().uses_tls());
  EXPECT_EQ(target.value().path_and_query, "/a/b");
}

// ---------------------------------------------------------------------------------------
// ScriptRunner

struct RunnerHarness {
  ScriptObservation observation;
  explicit RunnerHarness() { observation.now = kT0; }
  void at(std::chrono::milliseconds offset) { observation.now = kT0 + offset; }
  void agent_plays(std::chrono::milliseconds since) {
    observation.agent_playing = true;
    observation.agent_playing_since = kT0 + since;
    observation.agent_silent_since.reset();
    ++observation.agent_playback_count;
  }
  void agent_stops(std::chrono::milliseconds at_offset) {
    observation.agent_playing = false;
    observation.agent_playing_since.reset();
    observation.agent_silent_since = kT0 + at_offset;
  }
};

TEST(ScriptRunner, WaitsForTheGreetingThenQuietThenSpeaksThenHangsUp) {
  CallScript script;
  script.wait_for_agent_audio(5s).wait_for_agent_quiet(500ms, 10s).play(counting_bytes(320), "hello").hang_up();
  ScriptRunner runner(script);
  RunnerHarness harness;

  auto action = runner.tick(harness.observation);
  EXPECT_EQ(runner.current_step(), 0U);  // no agent audio yet
  harness.at(1000ms);
  harness.agent_plays(1000ms);
  action = runner.tick(harness.observation);
  EXPECT_EQ(runner.current_step(), 1U);  // audio started; now waiting for quiet
  EXPECT_EQ(action.speak, nullptr);

  harness.at(2000ms);
  harness.agent_stops(1800ms);
  action = runner.tick(harness.observation);
  EXPECT_EQ(action.speak, nullptr);  // only 200 ms of quiet
  harness.at(2299ms);
  EXPECT_EQ(runner.tick(harness.observation).speak, nullptr);
  harness.at(2300ms);
  action = runner.tick(harness.observation);
  ASSERT_NE(action.speak, nullptr);
  EXPECT_EQ(action.speak->label, "hello");

  harness.observation.caller_speaking = true;
  harness.at(2320ms);
  EXPECT_FALSE(runner.tick(harness.observation).hang_up);
  harness.observation.caller_speaking = false;
  harness.at(2340ms);
  action = runner.tick(harness.observation);
  EXPECT_TRUE(action.hang_up);
  EXPECT_TRUE(action.finished);
  EXPECT_TRUE(action.failure.empty());
  EXPECT_TRUE(runner.finished());
}

TEST(ScriptRunner, WaitForAgentAudioTimesOutWithAClearError) {
  CallScript script;
  script.wait_for_agent_audio(3s);
  ScriptRunner runner(script);
  RunnerHarness harness;
  EXPECT_TRUE(runner.tick(harness.observation).failure.empty());
  harness.at(3s);
  const auto action = runner.tick(harness.observation);
  EXPECT_TRUE(action.finished);
  EXPECT_NE(action.failure.find("no agent audio within 3.0 s"), std::string::npos);
  EXPECT_NE(action.failure.find("step 1"), std::string::npos);
}

TEST(ScriptRunner, BargeInWaitsUntilTheAgentHasBeenSpeakingLongEnough) {
  CallScript script;
  script.barge_in(CallerUtterance::from_audio(counting_bytes(160), "stop"), 300ms, 10s);
  ScriptRunner runner(script);
  RunnerHarness harness;
  EXPECT_EQ(runner.tick(harness.observation).speak, nullptr);
  harness.at(1000ms);
  harness.agent_plays(1000ms);
  EXPECT_EQ(runner.tick(harness.observation).speak, nullptr);
  harness.at(1299ms);
  EXPECT_EQ(runner.tick(harness.observation).speak, nullptr);
  harness.at(1300ms);
  const auto action = runner.tick(harness.observation);
  ASSERT_NE(action.speak, nullptr);
  EXPECT_EQ(action.speak->label, "stop");
}

TEST(ScriptRunner, HostClosingMidScriptFailsUnlessTheScriptWaitsForIt) {
  {
    CallScript script;
    script.wait_for_agent_quiet(500ms, 10s).hang_up();
    ScriptRunner runner(script);
    RunnerHarness harness;
    harness.observation.host_closed = true;
    harness.observation.host_close_description = "code 1011 (internal error)";
    const auto action = runner.tick(harness.observation);
    EXPECT_TRUE(action.finished);
    EXPECT_FALSE(action.hang_up);
    EXPECT_NE(action.failure.find("stream closed by host with code 1011 (internal error)"), std::string::npos);
    EXPECT_NE(action.failure.find("wait_for_agent_quiet"), std::string::npos);
  }
  {
    CallScript script;
    script.wait_for_host_close(10s);
    ScriptRunner runner(script);
    RunnerHarness harness;
    EXPECT_FALSE(runner.tick(harness.observation).finished);
    harness.at(2s);
    harness.observation.host_closed = true;
    const auto action = runner.tick(harness.observation);
    EXPECT_TRUE(action.finished);
    EXPECT_TRUE(action.failure.empty());
    EXPECT_FALSE(action.hang_up);
  }
}

TEST(ScriptRunner, SilenceDtmfAndTheImplicitHangUp) {
  CallScript script;
  script.silence(100ms).dtmf("1#x2");  // 'x' is not a key and is skipped
  ScriptRunner runner(script);
  RunnerHarness harness;
  EXPECT_TRUE(runner.tick(harness.observation).dtmf_digits.empty());
  harness.at(100ms);
  EXPECT_EQ(runner.tick(harness.observation).dtmf_digits, "1");  // one key per tick
  harness.at(120ms);
  EXPECT_EQ(runner.tick(harness.observation).dtmf_digits, "#");
  harness.at(140ms);
  EXPECT_EQ(runner.tick(harness.observation).dtmf_digits, "2");
  harness.at(160ms);
  const auto action = runner.tick(harness.observation);
  EXPECT_TRUE(action.hang_up);  // the script ran out: the caller puts the phone down
  EXPECT_TRUE(action.finished);
}

TEST(ScriptRunner, WaitForAgentQuietCountsFromTheStepStartWhenTheAgentNeverSpoke) {
  CallScript script;
  script.silence(1s).wait_for_agent_quiet(500ms, 5s).hang_up();
  ScriptRunner runner(script);
  RunnerHarness harness;
  runner.tick(harness.observation);
  harness.at(1s);
  EXPECT_FALSE(runner.tick(harness.observation).hang_up);
  harness.at(1499ms);
  EXPECT_FALSE(runner.tick(harness.observation).hang_up);
  harness.at(1500ms);
  EXPECT_TRUE(runner.tick(harness.observation).hang_up);
}

// ---------------------------------------------------------------------------------------
// Latencies

CallEvent event_at(CallEventKind kind, std::chrono::milliseconds at, int index = 0) {
  CallEvent event;
  event.kind = kind;
  event.at = at;
  event.index = index;
  return event;
}

TEST(CallLatency, GreetingAndVoiceToVoicePerTurn) {
  const std::vector<CallEvent> events{
      event_at(CallEventKind::start_sent, 100ms),
      event_at(CallEventKind::agent_media, 900ms),
      event_at(CallEventKind::agent_media, 950ms),
      event_at(CallEventKind::caller_turn_started, 3000ms, 1),
      event_at(CallEventKind::agent_media, 3500ms),  // during the caller's turn: not an answer
      event_at(CallEventKind::caller_turn_ended, 4000ms, 1),
      event_at(CallEventKind::agent_media, 5200ms),
      event_at(CallEventKind::caller_turn_started, 8000ms, 2),
      event_at(CallEventKind::caller_turn_ended, 9000ms, 2),
      event_at(CallEventKind::caller_turn_started, 12000ms, 3),  // turn 2 never answered
      event_at(CallEventKind::caller_turn_ended, 13000ms, 3),
      event_at(CallEventKind::agent_media, 13700ms),
  };
  const CallLatencies latencies = compute_latencies(events);
  ASSERT_TRUE(latencies.greeting.has_value());
  EXPECT_EQ(*latencies.greeting, 800ms);
  ASSERT_EQ(latencies.turns.size(), 3U);
  EXPECT_EQ(latencies.turns[0].voice_to_voice, std::optional<std::chrono::microseconds>(1200ms));
  EXPECT_FALSE(latencies.turns[1].voice_to_voice.has_value());
  EXPECT_EQ(latencies.turns[2].voice_to_voice, std::optional<std::chrono::microseconds>(700ms));
}

TEST(CallLatency, BargeInReactionIsOnsetToClear) {
  const std::vector<CallEvent> events{
      event_at(CallEventKind::start_sent, 0ms),
      event_at(CallEventKind::agent_audio_started, 500ms),
      event_at(CallEventKind::caller_turn_started, 1000ms, 1),  // over the agent: a barge-in
      event_at(CallEventKind::clear_received, 1120ms),
      event_at(CallEventKind::agent_audio_finished, 1121ms),
      event_at(CallEventKind::caller_turn_ended, 2000ms, 1),
      event_at(CallEventKind::agent_audio_started, 2700ms),
      event_at(CallEventKind::agent_audio_finished, 3500ms),
      event_at(CallEventKind::caller_turn_started, 4500ms, 2),  // agent quiet: not a barge-in
      event_at(CallEventKind::caller_turn_ended, 5500ms, 2),
  };
  const CallLatencies latencies = compute_latencies(events);
  ASSERT_EQ(latencies.turns.size(), 2U);
  EXPECT_TRUE(latencies.turns[0].started_during_agent_audio);
  EXPECT_EQ(latencies.turns[0].barge_in_clear, std::optional<std::chrono::microseconds>(120ms));
  EXPECT_FALSE(latencies.turns[1].started_during_agent_audio);
  EXPECT_FALSE(latencies.turns[1].barge_in_clear.has_value());
  EXPECT_TRUE(latencies.underruns.empty());
}

TEST(CallLatency, UnderrunIsAGapInsideOneReply) {
  const std::vector<CallEvent> events{
      event_at(CallEventKind::start_sent, 0ms),
      event_at(CallEventKind::agent_audio_started, 100ms),
      event_at(CallEventKind::agent_audio_finished, 900ms),
      event_at(CallEventKind::agent_audio_started, 1030ms),  // same reply, 130 ms dry
      event_at(CallEventKind::agent_audio_finished, 2000ms),
      event_at(CallEventKind::caller_turn_started, 3000ms, 1),  // a new turn: not a gap
      event_at(CallEventKind::caller_turn_ended, 4000ms, 1),
      event_at(CallEventKind::agent_audio_started, 4700ms),
      event_at(CallEventKind::clear_received, 5000ms),
      event_at(CallEventKind::agent_audio_finished, 5000ms),
      event_at(CallEventKind::agent_audio_started, 5100ms),  // after a clear: not a gap
  };
  const CallLatencies latencies = compute_latencies(events);
  ASSERT_EQ(latencies.underruns.size(), 1U);
  EXPECT_EQ(latencies.underruns[0].at, std::chrono::microseconds(900ms));
  EXPECT_EQ(latencies.underruns[0].duration, std::chrono::microseconds(130ms));
}

TEST(CallLatency, NearestRankPercentiles) {
  std::vector<double> samples;
  for (int value = 100; value >= 1; --value) samples.push_back(value);
  const auto summary = summarize_latencies(samples);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->count, 100U);
  EXPECT_EQ(summary->p50_ms, 50);
  EXPECT_EQ(summary->p95_ms, 95);
  EXPECT_EQ(summary->p99_ms, 99);
  EXPECT_EQ(summary->min_ms, 1);
  EXPECT_EQ(summary->max_ms, 100);
  EXPECT_FALSE(summarize_latencies({}).has_value());
  EXPECT_EQ(summarize_latencies({42})->p99_ms, 42);
}

TEST(CallEvents, FormatsTextAndJson) {
  CallEvent event = event_at(CallEventKind::mark_returned, 12900ms);
  event.text = "m-3";
  EXPECT_EQ(format_event_text(event), "12.900s mark returned m-3");
  const auto json = nlohmann::json::parse(format_event_json(event, 2));
  EXPECT_EQ(json["call"], 2);
  EXPECT_EQ(json["event"], "mark_returned");
  EXPECT_EQ(json["name"], "m-3");
  EXPECT_DOUBLE_EQ(json["t_ms"].get<double>(), 12900.0);
  EXPECT_EQ(format_event_text(event_at(CallEventKind::agent_audio_started, 12340ms)),
            "12.340s agent audio started");
}

// ---------------------------------------------------------------------------------------
// Audio: files and Flite

class TempDirectory {
 public:
  TempDirectory() {
    path_ = std::filesystem::temp_directory_path() /
            ("call_sim_test_" + std::to_string(::getpid()) + "_" +
             std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(path_);
  }
  ~TempDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A 440 Hz tone of `seconds`, written with libsndfile as 16-bit PCM WAV.
void write_tone_wav(const std::filesystem::path& path, int sample_rate_hz, int channels, double seconds) {
  SF_INFO info{};
  info.samplerate = sample_rate_hz;
  info.channels = channels;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  ASSERT_NE(file, nullptr) << sf_strerror(nullptr);
  const auto frames = static_cast<std::size_t>(seconds * sample_rate_hz);
  std::vector<float> interleaved(frames * static_cast<std::size_t>(channels));
  for (std::size_t frame = 0; frame < frames; ++frame) {
    constexpr double kPi = 3.14159265358979323846;
    const float sample = 0.5F * static_cast<float>(std::sin(2.0 * kPi * 440.0 * static_cast<double>(frame) /
                                                            sample_rate_hz));
    for (int channel = 0; channel < channels; ++channel) {
      interleaved[frame * static_cast<std::size_t>(channels) + static_cast<std::size_t>(channel)] = sample;
    }
  }
  sf_writef_float(file, interleaved.data(), static_cast<sf_count_t>(frames));
  sf_close(file);
}

double rms_of_mulaw(const std::vector<std::uint8_t>& mulaw) {
  double sum = 0;
  for (const std::uint8_t byte : mulaw) {
    const double linear = audio::mulaw_to_linear(byte) / 32768.0;
    sum += linear * linear;
  }
  return mulaw.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(mulaw.size()));
}

TEST(AudioSource, LoadsA16kHzMonoWavAs8kHzMulaw) {
  TempDirectory directory;
  const auto path = directory.path() / "tone16k.wav";
  write_tone_wav(path, 16000, 1, 1.5);
  const auto loaded = load_caller_audio(path);
  ASSERT_TRUE(loaded) << loaded.status().message();
  EXPECT_NEAR(static_cast<double>(loaded.value().size()), 12000.0, 12.0);
  // A 0.5-amplitude sine has an RMS near 0.35; resampling keeps a 440 Hz tone intact.
  EXPECT_NEAR(rms_of_mulaw(loaded.value()), 0.354, 0.03);
}

TEST(AudioSource, LoadsA44kHzStereoWavAs8kHzMulaw) {
  TempDirectory directory;
  const auto path = directory.path() / "tone44k_stereo.wav";
  write_tone_wav(path, 44100, 2, 2.0);
  const auto loaded = load_caller_audio(path);
  ASSERT_TRUE(loaded) << loaded.status().message();
  EXPECT_NEAR(static_cast<double>(loaded.value().size()), 16000.0, 16.0);
  EXPECT_NEAR(rms_of_mulaw(loaded.value()), 0.354, 0.03);
}

TEST(AudioSource, MissingOrUnreadableFilesAreClearErrors) {
  TempDirectory directory;
  const auto missing = load_caller_audio(directory.path() / "nope.wav");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.status().message().find("does not exist"), std::string::npos);
  const auto garbage_path = directory.path() / "garbage.wav";
  { std::ofstream(garbage_path) << "this is not audio"; }
  const auto garbage = load_caller_audio(garbage_path);
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.status().message().find("cannot read audio file"), std::string::npos);
}

TEST(AudioSource, FliteSaysTextAsNonSilentMulawOfPlausibleLength) {
  const auto spoken = synthesize_caller_audio("Hello, I would like to know your opening hours please.");
  ASSERT_TRUE(spoken) << spoken.status().message();
  const double seconds = static_cast<double>(spoken.value().size()) / 8000.0;
  EXPECT_GT(seconds, 1.5);
  EXPECT_LT(seconds, 8.0);
  EXPECT_GT(rms_of_mulaw(spoken.value()), 0.02);
  const auto silent_bytes = std::count(spoken.value().begin(), spoken.value().end(), audio::kMulawSilence);
  EXPECT_LT(static_cast<double>(silent_bytes), 0.5 * static_cast<double>(spoken.value().size()));
  EXPECT_FALSE(synthesize_caller_audio(""));
}

TEST(AudioSource, AgentRecordingIsAMulaw8kHzWavHoldingTheBytesUnchanged) {
  TempDirectory directory;
  const auto path = directory.path() / "agent.wav";
  std::vector<std::uint8_t> mulaw(4000);
  for (std::size_t index = 0; index < mulaw.size(); ++index) mulaw[index] = static_cast<std::uint8_t>(index * 7);
  ASSERT_TRUE(write_agent_recording(path, mulaw));

  SF_INFO info{};
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(info.samplerate, 8000);
  EXPECT_EQ(info.channels, 1);
  EXPECT_EQ(info.format, SF_FORMAT_WAV | SF_FORMAT_ULAW);
  EXPECT_EQ(info.frames, 4000);
  std::vector<std::uint8_t> read_back(mulaw.size());
  EXPECT_EQ(sf_read_raw(file, read_back.data(), static_cast<sf_count_t>(read_back.size())),
            static_cast<sf_count_t>(read_back.size()));
  sf_close(file);
  EXPECT_EQ(read_back, mulaw);
}

// ---------------------------------------------------------------------------------------
// Loopback calls against a tiny host that speaks Twilio's protocol, to check the
// simulator's own plumbing (signatures, upgrade, framing, marks, clear, close).

constexpr const char* kAuthToken = "test-auth-token";

struct FakeHostBehaviour {
  int webhook_status = 200;
  int upgrade_status = 101;          // anything else refuses the WebSocket upgrade
  std::size_t greeting_bytes = 3200;  // 400 ms, sent as two chunks each followed by a mark
  std::size_t reply_bytes = 2400;     // 300 ms, sent when the caller stops talking
  bool clear_on_caller_speech = false;
  bool close_after_reply = false;     // close with 1000 "goodbye" once the reply's mark returns
};

// What the fake host saw, for assertions after the call.
struct FakeHostObservations {
  std::mutex mutex;
  bool webhook_signature_valid = false;
  bool upgrade_signature_valid = false;
  std::string call_sid_in_webhook;
  std::vector<std::string> events;  // "connected", "start", "media", "mark", "dtmf", "stop"
  std::vector<std::string> returned_marks;
  std::vector<std::pair<std::string, std::string>> custom_parameters;
  std::string start_call_sid;
  bool sequence_numbers_consecutive = true;
  bool chunks_consecutive = true;
  bool timestamps_match_chunks = true;
  std::uint64_t media_frames = 0;
  std::uint64_t speech_frames = 0;
  std::size_t agent_bytes_sent = 0;
  std::vector<std::string> dtmf_digits;
  bool stop_seen = false;
};

class FakeTwilioHost {
 public:
  // `tls`: serve https/wss with this server context instead of plain http/ws.
  explicit FakeTwilioHost(FakeHostBehaviour behaviour, Poco::Net::Context::Ptr tls = nullptr)
      : behaviour_(behaviour), tls_(tls) {
    const Poco::Net::SocketAddress address("127.0.0.1", 0);
    std::unique_ptr<Poco::Net::ServerSocket> socket =
        tls ? std::make_unique<Poco::Net::SecureServerSocket>(address, 64, tls)
            : std::make_unique<Poco::Net::ServerSocket>(address);
    port_ = socket->address().port();
    auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
    params->setMaxThreads(64);
    params->setMaxQueued(256);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *socket, params);
    server_->start();
  }
  ~FakeTwilioHost() { server_->stopAll(true); }

  std::string base_url() const { return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_); }
  std::string stream_url() const {
    return std::string(tls_ ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(port_) + "/connect_call/conv-42";
  }
  FakeHostObservations& observations() { return observations_; }

 private:
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(FakeTwilioHost& host) : host_(host) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
      return new Handler(host_);
    }

   private:
    FakeTwilioHost& host_;
  };

  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(FakeTwilioHost& host) : host_(host) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
      if (request.getURI() == "/inbound_call") {
        host_.answer_webhook(request, response);
      } else if (request.getURI() == "/call/conv-42") {
        host_.answer_call_record(request, response);
      } else if (request.getURI().rfind("/connect_call/", 0) == 0) {
        host_.serve_stream(request, response);
      } else {
        response.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
        response.send() << "not found";
      }
    }

   private:
    FakeTwilioHost& host_;
  };

  void answer_webhook(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    std::string body(std::istreambuf_iterator<char>(request.stream()), {});
    auto params = twilio::parse_form_urlencoded(body);
    {
      std::lock_guard lock(observations_.mutex);
      observations_.webhook_signature_valid =
          params && twilio::verify_signature(kAuthToken, base_url() + "/inbound_call", params.value(),
                                             request.get("X-Twilio-Signature", "")) ==
                        twilio::SignatureVerdict::valid;
      if (params) {
        observations_.call_sid_in_webhook = std::string(twilio::find_param(params.value(), "CallSid").value_or(""));
      }
    }
    if (behaviour_.webhook_status != 200) {
      response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(behaviour_.webhook_status));
      response.send() << "invalid signature";
      return;
    }
    response.setContentType("text/xml");
    response.send() << "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Connect><Stream url=\""
                    << stream_url()
                    << "\"><Parameter name=\"conversation_id\" value=\"conv-42\"/>"
                       "<Parameter name=\"note\" value=\"a &amp; b\"/></Stream></Connect></Response>";
  }

  void answer_call_record(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    if (request.get("Authorization", "") != "Bearer api-secret") {
      response.setStatus(Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED);
      response.send() << R"({"error":"unauthorized"})";
      return;
    }
    response.setContentType("application/json");
    response.send() << R"({"conversation_id":"conv-42","status":"completed","turns":[)"
                       R"({"speaker":"agent","text":"Hello! How can I help?","interrupted":false},)"
                       R"({"speaker":"caller","text":"What time is it","interrupted":false}]})";
  }

  void send_audio_and_mark(Poco::Net::WebSocket& socket, const std::string& stream_sid, std::size_t bytes,
                           const std::string& mark_name) {
    std::vector<std::uint8_t> tone(bytes);
    for (std::size_t index = 0; index < bytes; ++index) {
      tone[index] = audio::linear_to_mulaw(static_cast<std::int16_t>(8000 * std::sin(0.3 * static_cast<double>(index))));
    }
    std::string text;
    twilio::serialize_media(stream_sid, tone, text);
    socket.sendFrame(text.data(), static_cast<int>(text.size()));
    twilio::serialize_mark(stream_sid, mark_name, text);
    socket.sendFrame(text.data(), static_cast<int>(text.size()));
    observations_.agent_bytes_sent += bytes;  // the caller holds observations_.mutex
  }

  void serve_stream(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    {
      std::lock_guard lock(observations_.mutex);
      observations_.upgrade_signature_valid =
          twilio::verify_signature(kAuthToken, stream_url(), {}, request.get("X-Twilio-Signature", "")) ==
          twilio::SignatureVerdict::valid;
    }
    if (behaviour_.upgrade_status != 101) {
      response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(behaviour_.upgrade_status));
      response.setContentLength(0);
      response.send();
      return;
    }
    Poco::Net::WebSocket socket(request, response);
    socket.setReceiveTimeout(Poco::Timespan(0, 50'000));
    std::string stream_sid;
    std::uint64_t last_sequence = 0;
    std::uint64_t last_chunk = 0;
    bool caller_talking = false;
    bool cleared = false;
    bool reply_sent = false;
    Poco::Buffer<char> frame(0);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      int flags = 0;
      int received = 0;
      frame.resize(0);
      try {
        received = socket.receiveFrame(frame, flags);
      } catch (const Poco::TimeoutException&) {
        continue;
      } catch (const Poco::Exception&) {
        return;
      }
      if (received == 0 && flags == 0) return;
      if ((flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
        socket.shutdown();
        return;
      }
      const auto parsed = twilio::parse_inbound_message(std::string_view(frame.begin(), frame.size()));
      if (!parsed.ok()) continue;
      std::lock_guard lock(observations_.mutex);
      const auto check_sequence = [&](std::uint64_t sequence) {
        if (sequence != last_sequence + 1) observations_.sequence_numbers_consecutive = false;
        last_sequence = sequence;
      };
      std::visit(
          [&](const auto& message) {
            using Message = std::decay_t<decltype(message)>;
            if constexpr (std::is_same_v<Message, twilio::ConnectedMessage>) {
              observations_.events.push_back("connected");
            } else if constexpr (std::is_same_v<Message, twilio::StartMessage>) {
              observations_.events.push_back("start");
              check_sequence(message.sequence_number);
              stream_sid = message.stream_sid;
              observations_.start_call_sid = message.call_sid;
              observations_.custom_parameters = message.custom_parameters;
              send_audio_and_mark(socket, stream_sid, behaviour_.greeting_bytes / 2, "greeting-1");
              send_audio_and_mark(socket, stream_sid, behaviour_.greeting_bytes - behaviour_.greeting_bytes / 2,
                                  "greeting-2");
            } else if constexpr (std::is_same_v<Message, twilio::MediaMessage>) {
              check_sequence(message.sequence_number);
              if (message.chunk != last_chunk + 1) observations_.chunks_consecutive = false;
              if (message.timestamp_ms != static_cast<std::int64_t>(message.chunk - 1) * 20) {
                observations_.timestamps_match_chunks = false;
              }
              last_chunk = message.chunk;
              ++observations_.media_frames;
              const bool speech = std::any_of(message.payload.begin(), message.payload.end(),
                                              [](std::uint8_t byte) { return byte != audio::kMulawSilence; });
              if (speech) ++observations_.speech_frames;
              if (speech && !caller_talking && behaviour_.clear_on_caller_speech && !cleared) {
                cleared = true;
                std::string text;
                twilio::serialize_clear(stream_sid, text);
                socket.sendFrame(text.data(), static_cast<int>(text.size()));
              }
              if (!speech && caller_talking && !reply_sent) {
                reply_sent = true;
                send_audio_and_mark(socket, stream_sid, behaviour_.reply_bytes, "reply");
              }
              caller_talking = speech;
            } else if constexpr (std::is_same_v<Message, twilio::MarkMessage>) {
              check_sequence(message.sequence_number);
              observations_.returned_marks.push_back(message.name);
              if (message.name == "reply" && behaviour_.close_after_reply) {
                socket.shutdown(1000, "goodbye");
              }
            } else if constexpr (std::is_same_v<Message, twilio::DtmfMessage>) {
              check_sequence(message.sequence_number);
              observations_.dtmf_digits.push_back(message.digit);
            } else if constexpr (std::is_same_v<Message, twilio::StopMessage>) {
              check_sequence(message.sequence_number);
              observations_.stop_seen = true;
            }
          },
          parsed.value());
    }
  }

  FakeHostBehaviour behaviour_;
  Poco::Net::Context::Ptr tls_;
  FakeHostObservations observations_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

CallSettings settings_for(const FakeTwilioHost& host) {
  CallSettings settings;
  settings.host_url = host.base_url();
  settings.auth_token = kAuthToken;
  settings.keep_recording = true;
  settings.max_duration = 15s;
  return settings;
}

std::vector<std::uint8_t> tone_mulaw(std::size_t bytes) {
  std::vector<std::uint8_t> tone(bytes);
  for (std::size_t index = 0; index < bytes; ++index) {
    tone[index] = audio::linear_to_mulaw(static_cast<std::int16_t>(6000 * std::sin(0.2 * static_cast<double>(index))));
  }
  return tone;
}

std::size_t count_events(const CallReport& report, CallEventKind kind) {
  return static_cast<std::size_t>(std::count_if(report.events.begin(), report.events.end(),
                                                [kind](const CallEvent& event) { return event.kind == kind; }));
}

TEST(SimulatedCallLoopback, GreetingTurnAnswerAndHangUp) {
  FakeTwilioHost host({});
  CallScript script;
  script.wait_for_agent_audio(5s)
      .wait_for_agent_quiet(200ms, 5s)
      .play(tone_mulaw(2400), "question")  // 300 ms
      .wait_for_agent_audio(5s)
      .wait_for_agent_quiet(200ms, 5s)
      .dtmf("5")
      .hang_up();
  std::vector<CallEventKind> live_kinds;
  const CallReport report =
      SimulatedCall(settings_for(host), std::move(script), [&](const CallEvent& event) { live_kinds.push_back(event.kind); })
          .run();
  ASSERT_TRUE(report.ok) << report.error;

  EXPECT_EQ(report.webhook_status, 200);
  EXPECT_EQ(report.conversation_id, "conv-42");
  EXPECT_EQ(report.stream_url, host.stream_url());
  EXPECT_TRUE(report.stream_sid.rfind("MZ", 0) == 0 && report.stream_sid.size() == 34);
  EXPECT_TRUE(report.call_sid.rfind("CA", 0) == 0 && report.call_sid.size() == 34);
  ASSERT_TRUE(report.latencies.greeting.has_value());
  ASSERT_EQ(report.latencies.turns.size(), 1U);
  EXPECT_TRUE(report.latencies.turns[0].voice_to_voice.has_value());
  EXPECT_EQ(report.marks_received, 3U);
  EXPECT_EQ(report.marks_returned, 3U);
  EXPECT_EQ(report.agent_bytes_received, 3200U + 2400U);
  EXPECT_EQ(report.agent_recording.size(), 3200U + 2400U);  // everything played before hang-up
  EXPECT_EQ(count_events(report, CallEventKind::caller_turn_started), 1U);
  EXPECT_EQ(count_events(report, CallEventKind::hung_up), 1U);
  EXPECT_EQ(live_kinds.size(), report.events.size());
  ASSERT_TRUE(report.stream_close.has_value());
  EXPECT_FALSE(report.stream_close->initiated_by_host);

  auto& seen = host.observations();
  std::lock_guard lock(seen.mutex);
  EXPECT_TRUE(seen.webhook_signature_valid);
  EXPECT_TRUE(seen.upgrade_signature_valid);
  EXPECT_EQ(seen.call_sid_in_webhook, report.call_sid);
  EXPECT_EQ(seen.start_call_sid, report.call_sid);
  ASSERT_GE(seen.events.size(), 2U);
  EXPECT_EQ(seen.events[0], "connected");
  EXPECT_EQ(seen.events[1], "start");
  EXPECT_EQ(seen.custom_parameters,
            (std::vector<std::pair<std::string, std::string>>{{"conversation_id", "conv-42"}, {"note", "a & b"}}));
  EXPECT_TRUE(seen.sequence_numbers_consecutive);
  EXPECT_TRUE(seen.chunks_consecutive);
  EXPECT_TRUE(seen.timestamps_match_chunks);
  EXPECT_EQ(seen.speech_frames, 15U);  // 2400 bytes = 15 frames of 160
  EXPECT_GT(seen.media_frames, seen.speech_frames);  // silence flows around the turn
  EXPECT_EQ(seen.returned_marks, (std::vector<std::string>{"greeting-1", "greeting-2", "reply"}));
  EXPECT_EQ(seen.dtmf_digits, std::vector<std::string>{"5"});
  EXPECT_TRUE(seen.stop_seen);
}

// The caller talks over a 5 s greeting; the host clears. `driver`: run the call on it.
CallReport barge_in_over_a_long_greeting(std::shared_ptr<CallDriver> driver = {}) {
  FakeHostBehaviour behaviour;
  behaviour.greeting_bytes = 40000;  // 5 s: long enough to interrupt
  behaviour.clear_on_caller_speech = true;
  FakeTwilioHost host(behaviour);
  CallScript script;
  script.barge_in(CallerUtterance::from_audio(tone_mulaw(1600), "stop"), 300ms, 5s)
      .wait_for_agent_audio(5s)
      .wait_for_agent_quiet(200ms, 5s)
      .hang_up();
  CallSettings settings = settings_for(host);
  settings.driver = std::move(driver);
  return SimulatedCall(std::move(settings), std::move(script)).run();
}

TEST(SimulatedCallLoopback, BargeInGetsAClearAndPendingMarksBack) {
  const CallReport report = barge_in_over_a_long_greeting();
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(report.clears_received, 1U);
  // Both greeting marks come back at the clear, then the reply's after it played.
  EXPECT_EQ(report.marks_returned, 3U);
  EXPECT_LT(report.agent_recording.size(), 40000U);  // the rest of the greeting was dropped
  const auto clear = std::find_if(report.events.begin(), report.events.end(),
                                  [](const CallEvent& event) { return event.kind == CallEventKind::clear_received; });
  ASSERT_NE(clear, report.events.end());
  EXPECT_GT(clear->bytes, 0);
  EXPECT_EQ(clear->count, 2);
}

TEST(SimulatedCallLoopback, WaitsForTheHostToSayGoodbye) {
  FakeHostBehaviour behaviour;
  behaviour.close_after_reply = true;
  FakeTwilioHost host(behaviour);
  CallScript script;
  script.wait_for_agent_audio(5s).wait_for_agent_quiet(200ms, 5s).play(tone_mulaw(800), "bye").wait_for_host_close(5s);
  const CallReport report = SimulatedCall(settings_for(host), std::move(script)).run();
  ASSERT_TRUE(report.ok) << report.error;
  ASSERT_TRUE(report.stream_close.has_value());
  EXPECT_TRUE(report.stream_close->initiated_by_host);
  EXPECT_EQ(report.stream_close->code, 1000);
  EXPECT_EQ(report.stream_close->reason, "goodbye");
  EXPECT_EQ(count_events(report, CallEventKind::hung_up), 0U);
}

TEST(SimulatedCallLoopback, HostClosingUnexpectedlyFailsTheCallWithTheCode) {
  FakeHostBehaviour behaviour;
  behaviour.close_after_reply = true;
  FakeTwilioHost host(behaviour);
  CallScript script;
  script.wait_for_agent_audio(5s).wait_for_agent_quiet(200ms, 5s).play(tone_mulaw(800), "q").silence(10s).hang_up();
  const CallReport report = SimulatedCall(settings_for(host), std::move(script)).run();
  ASSERT_FALSE(report.ok);
  EXPECT_NE(report.error.find("stream closed by host with code 1000 (goodbye)"), std::string::npos) << report.error;
  EXPECT_NE(report.error.find("silence"), std::string::npos) << report.error;
}

TEST(SimulatedCallOnADriver, CallsSharingOneDriverBehaveAsOnTheirOwnThreads) {
  auto driver = std::make_shared<CallDriver>("test-driver", std::chrono::microseconds(1000));
  constexpr int kCalls = 3;
  std::vector<std::unique_ptr<FakeTwilioHost>> hosts;
  for (int index = 0; index < kCalls; ++index) hosts.push_back(std::make_unique<FakeTwilioHost>(FakeHostBehaviour{}));
  std::vector<CallReport> reports(kCalls);
  std::vector<std::thread> callers;
  for (int index = 0; index < kCalls; ++index) {
    callers.emplace_back([&, index] {
      CallScript script;
      script.wait_for_agent_audio(5s)
          .wait_for_agent_quiet(200ms, 5s)
          .play(tone_mulaw(2400), "question")
          .wait_for_agent_audio(5s)
          .wait_for_agent_quiet(200ms, 5s)
          .hang_up();
      CallSettings settings = settings_for(*hosts[static_cast<std::size_t>(index)]);
      settings.driver = driver;
      reports[static_cast<std::size_t>(index)] = SimulatedCall(std::move(settings), std::move(script)).run();
    });
  }
  for (std::thread& caller : callers) caller.join();

  for (int index = 0; index < kCalls; ++index) {
    SCOPED_TRACE(index);
    const CallReport& report = reports[static_cast<std::size_t>(index)];
    ASSERT_TRUE(report.ok) << report.error;
    ASSERT_EQ(report.latencies.turns.size(), 1U);
    EXPECT_TRUE(report.latencies.turns[0].voice_to_voice.has_value());
    EXPECT_EQ(report.marks_returned, 3U);
    EXPECT_EQ(report.agent_recording.size(), 3200U + 2400U);
    auto& seen = hosts[static_cast<std::size_t>(index)]->observations();
    std::lock_guard lock(seen.mutex);
    EXPECT_TRUE(seen.sequence_numbers_consecutive);
    EXPECT_TRUE(seen.chunks_consecutive);
    EXPECT_TRUE(seen.timestamps_match_chunks);
    EXPECT_EQ(seen.speech_frames, 15U);
    EXPECT_EQ(seen.returned_marks, (std::vector<std::string>{"greeting-1", "greeting-2", "reply"}));
    EXPECT_TRUE(seen.stop_seen);
  }
}

TEST(SimulatedCallOnADriver, BargeInAndTheHostsGoodbyeWorkOnADriver) {
  auto driver = std::make_shared<CallDriver>("test-driver", std::chrono::microseconds(1000));
  {
    const CallReport report = barge_in_over_a_long_greeting(driver);
    ASSERT_TRUE(report.ok) << report.error;
    EXPECT_EQ(report.clears_received, 1U);
    EXPECT_EQ(report.marks_returned, 3U);
    EXPECT_LT(report.agent_recording.size(), 40000U);
  }
  {
    FakeHostBehaviour behaviour;
    behaviour.close_after_reply = true;
    FakeTwilioHost host(behaviour);
    CallScript script;
    script.wait_for_agent_audio(5s).wait_for_agent_quiet(200ms, 5s).play(tone_mulaw(800), "bye").wait_for_host_close(5s);
    CallSettings settings = settings_for(host);
    settings.driver = driver;
    const CallReport report = SimulatedCall(std::move(settings), std::move(script)).run();
    ASSERT_TRUE(report.ok) << report.error;
    ASSERT_TRUE(report.stream_close.has_value());
    EXPECT_TRUE(report.stream_close->initiated_by_host);
    EXPECT_EQ(report.stream_close->reason, "goodbye");
  }
}

TEST(SimulatedCallLoopback, ClearErrorsForRefusedWebhookUpgradeAndNoHost) {
  {
    FakeHostBehaviour behaviour;
    behaviour.webhook_status = 403;
    FakeTwilioHost host(behaviour);
    const CallReport report = SimulatedCall(settings_for(host), CallScript().hang_up()).run();
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.webhook_status, 403);
    EXPECT_NE(report.error.find("webhook answered 403: invalid signature"), std::string::npos) << report.error;
  }
  {
    FakeHostBehaviour behaviour;
    behaviour.upgrade_status = 404;
    FakeTwilioHost host(behaviour);
    const CallReport report = SimulatedCall(settings_for(host), CallScript().hang_up()).run();
    EXPECT_FALSE(report.ok);
    EXPECT_NE(report.error.find("stream upgrade refused: HTTP 404"), std::string::npos) << report.error;
  }
  {
    std::uint16_t unused_port = 0;
    {
      Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
      unused_port = probe.address().port();
    }
    CallSettings settings;
    settings.host_url = "http://127.0.0.1:" + std::to_string(unused_port);
    const CallReport report = SimulatedCall(settings, CallScript().hang_up()).run();
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.webhook_status, 0);
    EXPECT_NE(report.error.find("cannot connect to host 127.0.0.1"), std::string::npos) << report.error;
  }
}

// A throwaway self-signed certificate for 127.0.0.1, so the TLS path (wss, --insecure)
// is tested without fixtures on disk.
Poco::Net::Context::Ptr self_signed_server_context(const std::filesystem::path& directory) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  X509* certificate = X509_new();
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate), 3600);
  X509_set_pubkey(certificate, key);
  X509_NAME* name = X509_get_subject_name(certificate);
  const std::string common_name = "127.0.0.1";
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(certificate, name);
  X509_sign(certificate, key, EVP_sha256());

  const auto key_path = directory / "key.pem";
  const auto certificate_path = directory / "certificate.pem";
  FILE* key_file = std::fopen(key_path.c_str(), "w");
  PEM_write_PrivateKey(key_file, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(key_file);
  FILE* certificate_file = std::fopen(certificate_path.c_str(), "w");
  PEM_write_X509(certificate_file, certificate);
  std::fclose(certificate_file);
  X509_free(certificate);
  EVP_PKEY_free(key);
  return Poco::Net::Context::Ptr(new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, key_path.string(),
                                                        certificate_path.string(), "",
                                                        Poco::Net::Context::VERIFY_NONE));
}

TEST(SimulatedCallLoopback, OverTlsWithASelfSignedCertificate) {
  TempDirectory directory;
  FakeTwilioHost host({}, self_signed_server_context(directory.path()));
  ASSERT_EQ(host.stream_url().rfind("wss://", 0), 0U);
  CallScript script;
  script.wait_for_agent_audio(5s).wait_for_agent_quiet(200ms, 5s).play(tone_mulaw(800), "q")
      .wait_for_agent_audio(5s).wait_for_agent_quiet(200ms, 5s).hang_up();

  CallSettings settings = settings_for(host);
  settings.verify_tls_certificates = false;  // --insecure
  const CallReport report = SimulatedCall(settings, script).run();
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(report.marks_returned, 3U);
  ASSERT_EQ(report.latencies.turns.size(), 1U);
  EXPECT_TRUE(report.latencies.turns[0].voice_to_voice.has_value());
  {
    auto& seen = host.observations();
    std::lock_guard lock(seen.mutex);
    EXPECT_TRUE(seen.webhook_signature_valid);
    EXPECT_TRUE(seen.upgrade_signature_valid);  // signed over the wss:// URL as written
    EXPECT_TRUE(seen.sequence_numbers_consecutive);
    EXPECT_TRUE(seen.stop_seen);
  }

  settings.verify_tls_certificates = true;
  const CallReport refused = SimulatedCall(settings, script).run();
  EXPECT_FALSE(refused.ok);
  EXPECT_NE(refused.error.find("cannot connect to host 127.0.0.1"), std::string::npos) << refused.error;
}

// ---------------------------------------------------------------------------------------
// The command line

ParsedCommandLine parse(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "call-sim");
  std::vector<const char*> argv;
  for (const auto& argument : arguments) argv.push_back(argument.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

TEST(CommandLine, KeepsTurnsInTheOrderGivenAndAppliesBargeInToTheNextOne) {
  const auto parsed = parse({"--say", "one", "--dtmf", "12#", "--barge-in", "--play", "two.wav", "--say", "three",
                             "--auth-token", "secret", "--calls", "3"});
  ASSERT_TRUE(parsed.options.has_value()) << parsed.message;
  const auto& turns = parsed.options->turns;
  ASSERT_EQ(turns.size(), 4U);
  EXPECT_EQ(turns[0].kind, CallerTurnOption::Kind::say_text);
  EXPECT_EQ(turns[0].value, "one");
  EXPECT_EQ(turns[1].kind, CallerTurnOption::Kind::dtmf);
  EXPECT_EQ(turns[1].value, "12#");
  EXPECT_EQ(turns[2].kind, CallerTurnOption::Kind::play_file);
  EXPECT_TRUE(turns[2].barge_in);
  EXPECT_FALSE(turns[3].barge_in);
  EXPECT_EQ(parsed.options->auth_token, "secret");
  EXPECT_EQ(parsed.options->calls, 3);
  EXPECT_EQ(parsed.options->host_url, "http://127.0.0.1:3000");

  const CallSettings settings = make_call_settings(*parsed.options);
  EXPECT_EQ(settings.auth_token, "secret");
  EXPECT_EQ(settings.webhook_path, "/inbound_call");
  EXPECT_FALSE(settings.keep_recording);
}

TEST(CommandLine, RefusesNonsenseWithExitCode2) {
  EXPECT_EQ(parse({"--calls", "0"}).exit_code, 2);
  EXPECT_EQ(parse({"--say", "x", "--barge-in"}).exit_code, 2);
  EXPECT_EQ(parse({"--no-such-option"}).exit_code, 2);
  const auto help = parse({"--help"});
  EXPECT_FALSE(help.options.has_value());
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.message.find("--wait-for-goodbye"), std::string::npos);
}

TEST(CommandLine, ScriptWaitsForTheGreetingAndEachAnswerAndEndsAsAsked) {
  auto parsed = parse({"--say", "hello", "--barge-in", "--say", "stop", "--wait-for-goodbye"});
  ASSERT_TRUE(parsed.options.has_value());
  const auto script = build_call_script(*parsed.options);
  ASSERT_TRUE(script) << script.status().message();
  const auto& steps = script.value().steps();
  ASSERT_EQ(steps.size(), 7U);
  EXPECT_TRUE(std::holds_alternative<step::WaitForAgentAudio>(steps[0]));  // the greeting
  EXPECT_TRUE(std::holds_alternative<step::WaitForAgentQuiet>(steps[1]));
  ASSERT_TRUE(std::holds_alternative<step::Play>(steps[2]));
  EXPECT_FALSE(std::get<step::Play>(steps[2]).utterance.mulaw_audio.empty());  // rendered once, up front
  EXPECT_TRUE(std::holds_alternative<step::WaitForAgentAudio>(steps[3]));  // the answer
  EXPECT_TRUE(std::holds_alternative<step::BargeIn>(steps[4]));
  EXPECT_TRUE(std::holds_alternative<step::WaitForAgentAudio>(steps[5]));
  EXPECT_TRUE(std::holds_alternative<step::WaitForHostClose>(steps[6]));

  parsed = parse({"--no-greeting", "--dtmf", "1"});
  ASSERT_TRUE(parsed.options.has_value());
  const auto dtmf_script = build_call_script(*parsed.options);
  ASSERT_TRUE(dtmf_script);
  ASSERT_EQ(dtmf_script.value().steps().size(), 4U);  // quiet, key, quiet, hang up
  EXPECT_TRUE(std::holds_alternative<step::Dtmf>(dtmf_script.value().steps()[1]));
  EXPECT_TRUE(std::holds_alternative<step::HangUp>(dtmf_script.value().steps()[3]));
}

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, read);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(CallSimBinary, RunsACallPrintsJsonRecordsAndFetchesTheTranscript) {
  FakeTwilioHost host({});
  TempDirectory directory;
  const auto recording = directory.path() / "agent.wav";
  const CommandResult result = run_command(
      std::string(CALL_SIM_BINARY) + " --host " + host.base_url() + " --auth-token " + kAuthToken +
      " --say 'What time is it' --quiet-ms 200 --json --api-token api-secret --record " + recording.string());
  ASSERT_EQ(result.exit_code, 0) << result.output;

  bool saw_result = false;
  bool saw_transcript = false;
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);) {
    const auto json = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(json.is_discarded()) << "not JSON: " << line;
    if (json.contains("result")) {
      saw_result = true;
      EXPECT_EQ(json["result"], "ok");
      EXPECT_FALSE(json["greeting_ms"].is_null());
      ASSERT_EQ(json["turns"].size(), 1U);
      EXPECT_FALSE(json["turns"][0]["voice_to_voice_ms"].is_null());
    }
    if (json.contains("transcript")) {
      saw_transcript = true;
      EXPECT_EQ(json["transcript"]["turns"].size(), 2U);
    }
  }
  EXPECT_TRUE(saw_result) << result.output;
  EXPECT_TRUE(saw_transcript) << result.output;

  SF_INFO info{};
  SNDFILE* file = sf_open(recording.c_str(), SFM_READ, &info);
  ASSERT_NE(file, nullptr) << result.output;
  EXPECT_EQ(info.frames, 3200 + 2400);
  sf_close(file);
}

TEST(CallSimBinary, ConcurrentCallsEndWithASummary) {
  FakeTwilioHost host({});
  const CommandResult result = run_command(std::string(CALL_SIM_BINARY) + " --host " + host.base_url() +
                                           " --auth-token " + kAuthToken +
                                           " --calls 2 --say 'Hello there' --quiet-ms 200");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("[call 1] "), std::string::npos);
  EXPECT_NE(result.output.find("[call 2] call ok"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("calls: 2 ok, 0 failed"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("voice-to-voice ms: p50"), std::string::npos) << result.output;
}

TEST(CallSimBinary, WrongTokenFailsWithTheHostsAnswer) {
  FakeHostBehaviour behaviour;
  behaviour.webhook_status = 403;
  FakeTwilioHost host(behaviour);
  const CommandResult result =
      run_command(std::string(CALL_SIM_BINARY) + " --host " + host.base_url() + " --auth-token wrong");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("call failed: webhook answered 403"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace callagent::callsim
