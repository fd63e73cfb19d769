// Sessions against the in-process fake ElevenLabs: the request on the wire, audio framing,
// ordering, cancel, every fault mode, and that the key never reaches the logs.
// No timing assertions: waits are for events, with a generous limit.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <nlohmann/json.hpp>

#include "callagent/plugin_api.h"
#include "elevenlabs_tts.h"
#include "tests/fakes/recording_logger.h"
#include "tests/fakes/recording_provider_metrics.h"
#include "tests/unit/plugins/tts/flite/recording_tts_listener.h"
#include "tools/mock-vendors/elevenlabs/fake_elevenlabs.h"

namespace callagent::plugins {
namespace {

using callagent::mock::ElevenLabsFault;
using callagent::mock::FakeElevenLabs;
using callagent::mock::FakeElevenLabsSettings;
using testing::RecordingTtsListener;
using testing::TtsEvent;

constexpr const char* kKey = "fake-elevenlabs-key";

class ElevenLabsTtsSessionTest : public ::testing::Test {
 protected:
  void start(FakeElevenLabsSettings settings = {}, const std::string& extra_config = "") {
    fake_ = std::make_unique<FakeElevenLabs>(settings);
    start_against(fake_->base_url(), extra_config);
  }
  void start_against(const std::string& base_url, const std::string& extra_config = "") {
    const std::string config = std::string(R"({"api_key": ")") + kKey + R"(", "base_url": ")" + base_url +
                               R"(", "first_audio_timeout_ms": 3000, "connect_timeout_ms": 2000)" + extra_config + "}";
    auto created = ElevenLabsTtsProvider::create(ProviderContext{config, provider_logger_, "", &metrics_});
    ASSERT_TRUE(created) << created.status().message();
    provider_ = std::move(created).value();
    auto opened = provider_->open_session(SessionContext{call_, logger_}, listener_);
    ASSERT_TRUE(opened) << opened.status().message();
    session_ = std::move(opened).value();
  }
  void TearDown() override {
    session_.reset();  // joins the worker before the fake goes
    // Whatever happened, the key was never logged.
    EXPECT_EQ(logger_.all_text().find(kKey), std::string::npos) << logger_.all_text();
    EXPECT_EQ(provider_logger_.all_text().find(kKey), std::string::npos);
  }

  std::vector<std::uint8_t> audio_of(std::uint64_t utterance_id) const {
    std::vector<std::uint8_t> audio;
    for (const auto& event : listener_.events_for(utterance_id)) {
      if (event.kind == TtsEvent::Kind::audio) audio.insert(audio.end(), event.audio.begin(), event.audio.end());
    }
    return audio;
  }
  std::size_t count_kind(std::uint64_t utterance_id, TtsEvent::Kind kind) const {
    std::size_t count = 0;
    for (const auto& event : listener_.events_for(utterance_id)) count += event.kind == kind ? 1 : 0;
    return count;
  }
  Status only_error(std::uint64_t utterance_id) const {
    EXPECT_EQ(count_kind(utterance_id, TtsEvent::Kind::error), 1u);
    for (const auto& event : listener_.events_for(utterance_id)) {
      if (event.kind == TtsEvent::Kind::error) return event.error;
    }
    return Status::ok();
  }
  // The session still works after a fault: a fresh utterance plays to the end.
  void expect_next_utterance_works(std::uint64_t utterance_id) {
    ASSERT_TRUE(session_->synthesize(utterance_id, "Still here.", true));
    ASSERT_TRUE(listener_.wait_for_done(utterance_id));
    EXPECT_EQ(audio_of(utterance_id), fake_->audio_for("Still here."));
    EXPECT_EQ(count_kind(utterance_id, TtsEvent::Kind::error), 0u);
  }

  CallInfo call_;
  callagent::testing::RecordingLogger provider_logger_;
  callagent::testing::RecordingProviderMetrics metrics_;
  callagent::testing::RecordingLogger logger_;
  RecordingTtsListener listener_;
  std::unique_ptr<FakeElevenLabs> fake_;
  std::unique_ptr<ElevenLabsTtsProvider> provider_;
  std::unique_ptr<TtsSession> session_;
};

TEST_F(ElevenLabsTtsSessionTest, SendsTheRequestExactlyAsSpecified) {
  start();
  ASSERT_TRUE(session_->synthesize(1, "Hello! How can I help you today?", true));
  ASSERT_TRUE(listener_.wait_for_done(1));
  const auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/v1/text-to-speech/EXAVITQu4vr4xnSDxMaL/stream");
  EXPECT_EQ(requests[0].query, "output_format=ulaw_8000&optimize_streaming_latency=3");
  EXPECT_EQ(requests[0].api_key, kKey);
  EXPECT_EQ(requests[0].content_type, "application/json");
  EXPECT_EQ(requests[0].accept, "*/*");
  const auto body = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(body, nlohmann::json::parse(R"({"text": "Hello! How can I help you today?",
      "model_id": "eleven_flash_v2_5",
      "voice_settings": {"stability": 0.71, "similarity_boost": 0.45, "style": 0.0, "use_speaker_boost": true}})"));
}

TEST_F(ElevenLabsTtsSessionTest, AudioArrivesInWhole20msFramesWithRisingOffsets) {
  start();
  const std::string text = "A sentence of some length, to make several frames.";
  ASSERT_TRUE(session_->synthesize(7, text, true));
  ASSERT_TRUE(listener_.wait_for_done(7));
  const auto events = listener_.events_for(7);
  ASSERT_GE(events.size(), 3u);
  std::int64_t expected_offset_ms = 0;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    ASSERT_EQ(events[i].kind, TtsEvent::Kind::audio);
    EXPECT_EQ(events[i].encoding, AudioEncoding::mulaw);
    EXPECT_EQ(events[i].sample_rate_hz, 8000u);
    EXPECT_EQ(events[i].stream_offset_ms, expected_offset_ms);
    if (i + 2 < events.size()) {
      EXPECT_EQ(events[i].audio.size() % 160u, 0u);  // whole frames; only the last may be short
    }
    expected_offset_ms += static_cast<std::int64_t>(events[i].audio.size() / 8);
  }
  EXPECT_EQ(events.back().kind, TtsEvent::Kind::done);
  EXPECT_EQ(audio_of(7), fake_->audio_for(text));
}

TEST_F(ElevenLabsTtsSessionTest, PiecesPlayInOrderThenDoneOnOneConnection) {
  start();
  ASSERT_TRUE(session_->synthesize(3, "First piece. ", false));
  ASSERT_TRUE(session_->synthesize(3, "Second piece, longer than the first. ", false));
  ASSERT_TRUE(session_->synthesize(3, "", true));
  ASSERT_TRUE(listener_.wait_for_done(3));
  std::vector<std::uint8_t> expected = fake_->audio_for("First piece. ");
  const auto second = fake_->audio_for("Second piece, longer than the first. ");
  expected.insert(expected.end(), second.begin(), second.end());
  EXPECT_EQ(audio_of(3), expected);
  const auto requests = fake_->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(requests[0].body)["text"], "First piece. ");
  EXPECT_EQ(nlohmann::json::parse(requests[1].body)["text"], "Second piece, longer than the first. ");
  // Offsets run on across pieces: the last chunk of the first piece and the first of the
  // second are adjacent on the utterance's timeline.
  std::int64_t previous = -1;
  for (const auto& event : listener_.events_for(3)) {
    if (event.kind != TtsEvent::Kind::audio) continue;
    EXPECT_GT(event.stream_offset_ms, previous);
    previous = event.stream_offset_ms;
  }
  EXPECT_EQ(fake_->connections(), 1u);  // pre-warmed once, then kept alive
  EXPECT_EQ(listener_.events_for(3).back().kind, TtsEvent::Kind::done);
}

TEST_F(ElevenLabsTtsSessionTest, CancelMidStreamStopsAudioAndNoDone) {
  FakeElevenLabsSettings settings;
  settings.bytes_per_write = 160;
  settings.write_interval_ms = 20;  // real time: a 5 s answer
  start(settings);
  ASSERT_TRUE(session_->synthesize(9, std::string(500, 'a'), true));
  ASSERT_TRUE(listener_.wait_for_kind(9, TtsEvent::Kind::audio));
  session_->cancel(9);
  const std::size_t events_at_cancel = listener_.events_for(9).size();
  expect_next_utterance_works(10);
  EXPECT_EQ(listener_.events_for(9).size(), events_at_cancel);
  EXPECT_EQ(count_kind(9, TtsEvent::Kind::done), 0u);
  EXPECT_EQ(count_kind(9, TtsEvent::Kind::error), 0u);
  EXPECT_LT(audio_of(9).size(), fake_->audio_for(std::string(500, 'a')).size());
  // Pieces for the cancelled utterance are ignored.
  ASSERT_TRUE(session_->synthesize(9, "late", true));
  expect_next_utterance_works(11);
  EXPECT_EQ(listener_.events_for(9).size(), events_at_cancel);
}

TEST_F(ElevenLabsTtsSessionTest, CancelDropsQueuedPieces) {
  FakeElevenLabsSettings settings;
  settings.first_audio_delay_ms = 200;
  start(settings);
  ASSERT_TRUE(session_->synthesize(4, "one. ", false));
  ASSERT_TRUE(session_->synthesize(4, "two. ", false));
  ASSERT_TRUE(session_->synthesize(4, "three. ", true));
  session_->cancel(4);
  expect_next_utterance_works(5);
  EXPECT_EQ(listener_.events_for(4).size(), 0u);
}

TEST_F(ElevenLabsTtsSessionTest, UnauthorizedIsOneErrorWithoutRetry) {
  start();
  fake_->push_fault(ElevenLabsFault::unauthorized);
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  ASSERT_TRUE(listener_.wait_for_kind(1, TtsEvent::Kind::error));
  const Status error = only_error(1);
  EXPECT_EQ(error.code(), ErrorCode::unauthenticated);
  EXPECT_NE(error.message().find("Invalid API key"), std::string::npos);
  EXPECT_EQ(fake_->requests().size(), 1u);
  EXPECT_EQ(count_kind(1, TtsEvent::Kind::done), 0u);
  EXPECT_GE(logger_.count(LogLevel::error, "failed"), 1u);
  expect_next_utterance_works(2);
}

TEST_F(ElevenLabsTtsSessionTest, WrongKeyIsUnauthenticated) {
  start_against("http://127.0.0.1:1");  // replaced below: a fake that expects another key
  session_.reset();
  FakeElevenLabsSettings settings;
  settings.api_key = "a-different-key";
  fake_ = std::make_unique<FakeElevenLabs>(settings);
  start_against(fake_->base_url());
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  ASSERT_TRUE(listener_.wait_for_kind(1, TtsEvent::Kind::error));
  EXPECT_EQ(only_error(1).code(), ErrorCode::unauthenticated);
}

TEST_F(ElevenLabsTtsSessionTest, RateLimitedThenOkIsRetried) {
  start();
  fake_->push_fault(ElevenLabsFault::rate_limited);
  ASSERT_TRUE(session_->synthesize(1, "Hello there.", true));
  ASSERT_TRUE(listener_.wait_for_done(1));
  EXPECT_EQ(count_kind(1, TtsEvent::Kind::error), 0u);
  EXPECT_EQ(audio_of(1), fake_->audio_for("Hello there."));
  EXPECT_EQ(fake_->requests().size(), 2u);
  EXPECT_EQ(logger_.count(LogLevel::warn, "too_many_concurrent_requests"), 1u);
  // What GET /metrics shows for it.
  EXPECT_EQ(metrics_.request_statuses(), (std::vector<std::string>{"429", "200"}));
  EXPECT_EQ(metrics_.rate_limited_count(), 1);
  EXPECT_EQ(metrics_.retries(), 1);
}

TEST_F(ElevenLabsTtsSessionTest, ServerErrorsBeyondRetriesAreOneError) {
  start();
  fake_->push_fault(ElevenLabsFault::server_error);
  fake_->push_fault(ElevenLabsFault::server_error);
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  ASSERT_TRUE(listener_.wait_for_kind(1, TtsEvent::Kind::error));
  EXPECT_EQ(only_error(1).code(), ErrorCode::unavailable);
  EXPECT_EQ(fake_->requests().size(), 2u);  // the first try and max_retries = 1
  EXPECT_EQ(count_kind(1, TtsEvent::Kind::audio), 0u);
  EXPECT_EQ(metrics_.request_statuses(), (std::vector<std::string>{"500", "500"}));
  EXPECT_EQ(metrics_.retries(), 1);
  EXPECT_EQ(metrics_.rate_limited_count(), 0);
  expect_next_utterance_works(2);
}

TEST_F(ElevenLabsTtsSessionTest, SlowFirstByteIsATimeout) {
  FakeElevenLabsSettings settings;
  settings.slow_first_byte_ms = 3000;
  start(settings, R"(, "first_audio_timeout_ms": 200)");
  fake_->push_fault(ElevenLabsFault::slow_first_byte);
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  ASSERT_TRUE(listener_.wait_for_kind(1, TtsEvent::Kind::error));
  EXPECT_EQ(only_error(1).code(), ErrorCode::timeout);
  expect_next_utterance_works(2);
}

TEST_F(ElevenLabsTtsSessionTest, DisconnectMidStreamIsAVendorError) {
  start();
  fake_->push_fault(ElevenLabsFault::disconnect_mid_stream);
  const std::string text = "This answer will be cut off half way.";
  ASSERT_TRUE(session_->synthesize(1, text, true));
  ASSERT_TRUE(listener_.wait_for_kind(1, TtsEvent::Kind::error));
  EXPECT_EQ(only_error(1).code(), ErrorCode::vendor_error);
  EXPECT_GT(count_kind(1, TtsEvent::Kind::audio), 0u);
  EXPECT_EQ(count_kind(1, TtsEvent::Kind::done), 0u);
  EXPECT_EQ(fake_->requests().size(), 1u);  // never retried once audio has played
  expect_next_utterance_works(2);
}

TEST_F(ElevenLabsTtsSessionTest, DroppedWithoutAnswerIsRetried) {
  start();
  fake_->push_fault(ElevenLabsFault::refuse);
  fake_->push_fault(ElevenLabsFault::refuse);
  fake_->push_fault(ElevenLabsFault::refuse);
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  ASSERT_TRUE(listener_.wait_for_kind(1, TtsEvent::Kind::error));
  EXPECT_EQ(only_error(1).code(), ErrorCode::unavailable);
  expect_next_utterance_works(2);
}

TEST_F(ElevenLabsTtsSessionTest, UnreachableServerIsUnavailable) {
  std::uint16_t closed_port = 0;
  {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    closed_port = probe.address().port();
  }  // closed again: connections to it are refused
  start_against("http://127.0.0.1:" + std::to_string(closed_port));
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  ASSERT_TRUE(listener_.wait_for_kind(1, TtsEvent::Kind::error));
  EXPECT_EQ(only_error(1).code(), ErrorCode::unavailable);
  EXPECT_GE(logger_.count(LogLevel::warn, "retrying"), 1u);
}

TEST_F(ElevenLabsTtsSessionTest, BlankEndPieceOnlyEndsTheUtterance) {
  start();
  ASSERT_TRUE(session_->synthesize(1, "", true));
  ASSERT_TRUE(listener_.wait_for_done(1));
  EXPECT_EQ(fake_->requests().size(), 0u);
}

TEST_F(ElevenLabsTtsSessionTest, DestroyingMidStreamIsClean) {
  FakeElevenLabsSettings settings;
  settings.bytes_per_write = 160;
  settings.write_interval_ms = 20;
  start(settings);
  ASSERT_TRUE(session_->synthesize(1, std::string(500, 'b'), true));
  ASSERT_TRUE(listener_.wait_for_kind(1, TtsEvent::Kind::audio));
  session_.reset();
  const std::size_t events = listener_.events().size();
  EXPECT_EQ(count_kind(1, TtsEvent::Kind::done), 0u);
  EXPECT_EQ(listener_.events().size(), events);
}

}  // namespace
}  // namespace callagent::plugins
