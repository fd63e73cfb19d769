// "mode": "websocket" sessions against the fake's stream-input socket: the messages on the
// wire, audio and word timings of a streamed utterance, cancel, every fault mode (one error,
// no hang), and that the key never reaches the logs.
// No timing assertions: waits are for events, with a generous limit.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "callagent/plugin_api.h"
#include "elevenlabs_tts.h"
#include "tests/fakes/recording_logger.h"
#include "tests/unit/plugins/tts/flite/recording_tts_listener.h"
#include "tools/mock-vendors/elevenlabs/fake_elevenlabs.h"

namespace callagent::plugins {
namespace {

using callagent::mock::ElevenLabsFault;
using callagent::mock::ElevenLabsSocketSession;
using callagent::mock::FakeElevenLabs;
using callagent::mock::FakeElevenLabsSettings;
using testing::RecordingTtsListener;
using testing::TtsEvent;

constexpr const char* kKey = "fake-elevenlabs-key";
constexpr std::chrono::seconds kPatience{20};

class ElevenLabsWsSessionTest : public ::testing::Test {
 protected:
  // Faults pushed before the session exists apply to its first handshake.
  void make_fake(FakeElevenLabsSettings settings = {}) { fake_ = std::make_unique<FakeElevenLabs>(settings); }
  void start(const std::string& extra_config = "") { start_against(fake_->base_url(), extra_config); }
  void start_against(const std::string& base_url, const std::string& extra_config = "") {
    const std::string config = std::string(R"({"api_key": ")") + kKey + R"(", "base_url": ")" + base_url +
                               R"(", "mode": "websocket", "first_audio_timeout_ms": 3000, "connect_timeout_ms": 2000)" +
                               extra_config + "}";
    auto created = ElevenLabsTtsProvider::create(ProviderContext{config, provider_logger_, ""});
    ASSERT_TRUE(created) << created.status().message();
    provider_ = std::move(created).value();
    auto opened = provider_->open_session(SessionContext{call_, logger_}, listener_);
    ASSERT_TRUE(opened) << opened.status().message();
    session_ = std::move(opened).value();
  }
  void TearDown() override {
    session_.reset();  // joins the worker before the fake goes
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
  std::vector<TtsWordTiming> words_of(std::uint64_t utterance_id) const {
    std::vector<TtsWordTiming> words;
    for (const auto& event : listener_.events_for(utterance_id)) {
      if (event.kind == TtsEvent::Kind::words) words.insert(words.end(), event.words.begin(), event.words.end());
    }
    return words;
  }
  std::size_t count_kind(std::uint64_t utterance_id, TtsEvent::Kind kind) const {
    std::size_t count = 0;
    for (const auto& event : listener_.events_for(utterance_id)) count += event.kind == kind ? 1 : 0;
    return count;
  }
  // Waits for the utterance's error, then checks it is the only one and nothing else ends it.
  Status only_error(std::uint64_t utterance_id) const {
    EXPECT_TRUE(listener_.wait_for_kind(utterance_id, TtsEvent::Kind::error));
    EXPECT_EQ(count_kind(utterance_id, TtsEvent::Kind::error), 1u);
    EXPECT_EQ(count_kind(utterance_id, TtsEvent::Kind::done), 0u);
    for (const auto& event : listener_.events_for(utterance_id)) {
      if (event.kind == TtsEvent::Kind::error) {
        EXPECT_EQ(event.error.message().find(kKey), std::string::npos);
        return event.error;
      }
    }
    return Status::ok();
  }
  std::vector<std::uint8_t> audio_for_pieces(const std::vector<std::string>& texts) const {
    std::vector<std::uint8_t> audio;
    for (const auto& text : texts) {
      const auto piece = fake_->audio_for(text);
      audio.insert(audio.end(), piece.begin(), piece.end());
    }
    return audio;
  }
  // The session still works after a fault: a fresh utterance plays to the end, once.
  void expect_next_utterance_works(std::uint64_t utterance_id) {
    ASSERT_TRUE(session_->synthesize(utterance_id, "Still here.", true));
    ASSERT_TRUE(listener_.wait_for_done(utterance_id));
    EXPECT_EQ(audio_of(utterance_id), fake_->audio_for("Still here. "));
    EXPECT_EQ(count_kind(utterance_id, TtsEvent::Kind::error), 0u);
    EXPECT_EQ(count_kind(utterance_id, TtsEvent::Kind::done), 1u);
  }
  void expect_three_piece_utterance(std::uint64_t utterance_id) {
    ASSERT_TRUE(session_->synthesize(utterance_id, "Hello there,", false));
    ASSERT_TRUE(session_->synthesize(utterance_id, "how are you ", false));
    ASSERT_TRUE(session_->synthesize(utterance_id, "today?", true));
    ASSERT_TRUE(listener_.wait_for_done(utterance_id));
    ASSERT_TRUE(fake_->wait_sockets_ended(kPatience));
    EXPECT_EQ(audio_of(utterance_id), audio_for_pieces({"Hello there, ", "how are you ", "today? "}));
    EXPECT_EQ(count_kind(utterance_id, TtsEvent::Kind::done), 1u);
    EXPECT_EQ(count_kind(utterance_id, TtsEvent::Kind::error), 0u);
    EXPECT_EQ(listener_.events_for(utterance_id).back().kind, TtsEvent::Kind::done);
    // 10 ms per character: "Hello there, " is 130 ms, "how are you " 120 ms, then "today? ".
    const auto words = words_of(utterance_id);
    const std::vector<TtsWordTiming> expected = {{"Hello", 0, 50},   {"there,", 60, 120}, {"how", 130, 160},
                                                 {"are", 170, 200},  {"you", 210, 240},   {"today?", 250, 310}};
    ASSERT_EQ(words.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(words[i].text, expected[i].text);
      EXPECT_EQ(words[i].start_ms, expected[i].start_ms) << expected[i].text;
      EXPECT_EQ(words[i].end_ms, expected[i].end_ms) << expected[i].text;
    }
  }

  CallInfo call_;
  callagent::testing::RecordingLogger provider_logger_;
  callagent::testing::RecordingLogger logger_;
  RecordingTtsListener listener_;
  std::unique_ptr<FakeElevenLabs> fake_;
  std::unique_ptr<ElevenLabsTtsProvider> provider_;
  std::unique_ptr<TtsSession> session_;
};

TEST_F(ElevenLabsWsSessionTest, StreamsAnUtteranceInThreePieces) {
  make_fake();
  start();
  expect_three_piece_utterance(1);
  const auto sockets = fake_->socket_sessions();
  ASSERT_EQ(sockets.size(), 1u);
  const ElevenLabsSocketSession& socket = sockets[0];
  EXPECT_EQ(socket.path, "/v1/text-to-speech/EXAVITQu4vr4xnSDxMaL/stream-input");
  EXPECT_EQ(socket.query, "model_id=eleven_flash_v2_5&output_format=ulaw_8000&sync_alignment=true");
  EXPECT_EQ(socket.api_key_header, kKey);
  EXPECT_EQ(socket.messages,
            (std::vector<std::string>{
                R"({"text":" ","voice_settings":{"stability":0.71,"similarity_boost":0.45,"style":0.0,"use_speaker_boost":true},"generation_config":{"chunk_length_schedule":[120,160,250,290]}})",
                R"({"text":"Hello there, ","try_trigger_generation":true})",
                R"({"text":"how are you ","try_trigger_generation":true})",
                R"({"text":"today? ","flush":true})",
                R"({"text":""})"}));
  EXPECT_TRUE(socket.final_sent);
  EXPECT_FALSE(socket.client_closed_early);
  EXPECT_EQ(socket.client_close_code, 1000);  // the client answered the vendor's close
  EXPECT_TRUE(fake_->requests().empty());  // no HTTP requests in this mode
}

TEST_F(ElevenLabsWsSessionTest, AudioComesInWhole20msFramesWithRisingOffsets) {
  make_fake();
  start();
  const std::string text = "A sentence of some length, to make several frames.";
  ASSERT_TRUE(session_->synthesize(7, text, true));
  ASSERT_TRUE(listener_.wait_for_done(7));
  std::int64_t expected_offset_ms = 0;
  std::size_t audio_events = 0;
  const auto events = listener_.events_for(7);
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].kind != TtsEvent::Kind::audio) continue;
    ++audio_events;
    EXPECT_EQ(events[i].encoding, AudioEncoding::mulaw);
    EXPECT_EQ(events[i].sample_rate_hz, 8000u);
    EXPECT_EQ(events[i].stream_offset_ms, expected_offset_ms);
    expected_offset_ms += static_cast<std::int64_t>(events[i].audio.size() / 8);
  }
  EXPECT_GE(audio_events, 2u) << "one chunk per audio message of the socket";
  std::size_t short_frames = 0;
  for (const auto& event : events) short_frames += event.kind == TtsEvent::Kind::audio && event.audio.size() % 160 != 0 ? 1 : 0;
  EXPECT_LE(short_frames, 1u);  // whole 20 ms frames; only the last may be short
  EXPECT_EQ(audio_of(7), fake_->audio_for(text + " "));
}

TEST_F(ElevenLabsWsSessionTest, WordTimingsSurviveChunksThatCutWords) {
  FakeElevenLabsSettings settings;
  settings.socket_chars_per_message = 3;  // "Hel", "lo ", "the", "re,", …: words cut across messages
  make_fake(settings);
  start();
  expect_three_piece_utterance(1);
}

TEST_F(ElevenLabsWsSessionTest, UtterancesQueuedTogetherPlayInOrderOnTheirOwnSockets) {
  make_fake();
  start();
  ASSERT_TRUE(session_->synthesize(1, "First.", true));
  ASSERT_TRUE(session_->synthesize(2, "Second one.", true));
  ASSERT_TRUE(listener_.wait_for_done(2));
  ASSERT_TRUE(listener_.wait_for_done(1));
  EXPECT_EQ(audio_of(1), fake_->audio_for("First. "));
  EXPECT_EQ(audio_of(2), fake_->audio_for("Second one. "));
  const auto events = listener_.events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().utterance_id, 2u);  // 1 finished before 2 began
  EXPECT_EQ(fake_->socket_sessions().size(), 2u);
}

TEST_F(ElevenLabsWsSessionTest, CancelMidUtteranceClosesTheSocketAndSilencesIt) {
  FakeElevenLabsSettings settings;
  settings.socket_chars_per_message = 4;
  settings.write_interval_ms = 20;  // 100 messages: about 2 s of writing
  make_fake(settings);
  start();
  std::string text;
  for (int i = 0; i < 100; ++i) text += "abc ";
  ASSERT_TRUE(session_->synthesize(9, text, false));
  ASSERT_TRUE(listener_.wait_for_kind(9, TtsEvent::Kind::audio));
  session_->cancel(9);
  const std::size_t events_at_cancel = listener_.events_for(9).size();
  ASSERT_TRUE(fake_->wait_sockets_ended(kPatience));
  auto sockets = fake_->socket_sessions();
  ASSERT_EQ(sockets.size(), 1u);
  EXPECT_TRUE(sockets[0].client_closed_early);
  EXPECT_EQ(sockets[0].client_close_code, 1000);
  EXPECT_FALSE(sockets[0].final_sent);
  expect_next_utterance_works(10);
  EXPECT_EQ(listener_.events_for(9).size(), events_at_cancel);
  EXPECT_EQ(count_kind(9, TtsEvent::Kind::done), 0u);
  EXPECT_EQ(count_kind(9, TtsEvent::Kind::error), 0u);
  EXPECT_LT(audio_of(9).size(), fake_->audio_for(text).size());
  // Later pieces of the cancelled utterance are ignored: no socket for them.
  ASSERT_TRUE(session_->synthesize(9, "late", true));
  expect_next_utterance_works(11);
  EXPECT_EQ(listener_.events_for(9).size(), events_at_cancel);
  EXPECT_EQ(fake_->socket_sessions().size(), 3u);
}

TEST_F(ElevenLabsWsSessionTest, CancelBeforeAudioIsSilent) {
  FakeElevenLabsSettings settings;
  settings.first_audio_delay_ms = 300;
  make_fake(settings);
  start();
  ASSERT_TRUE(session_->synthesize(4, "one. ", false));
  ASSERT_TRUE(session_->synthesize(4, "two. ", true));
  session_->cancel(4);
  expect_next_utterance_works(5);
  EXPECT_EQ(listener_.events_for(4).size(), 0u);
}

TEST_F(ElevenLabsWsSessionTest, HandshakeUnauthorizedIsOneErrorWithoutRetry) {
  make_fake();
  fake_->push_fault(ElevenLabsFault::unauthorized);
  start();
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  const Status error = only_error(1);
  EXPECT_EQ(error.code(), ErrorCode::unauthenticated);
  EXPECT_NE(error.message().find("Invalid API key"), std::string::npos) << error.message();
  EXPECT_EQ(fake_->socket_sessions().size(), 1u);
  EXPECT_GE(logger_.count(LogLevel::error, "failed"), 1u);
  expect_next_utterance_works(2);
}

TEST_F(ElevenLabsWsSessionTest, WrongKeyIsUnauthenticated) {
  FakeElevenLabsSettings settings;
  settings.api_key = "a-different-key";
  make_fake(settings);
  start();
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  EXPECT_EQ(only_error(1).code(), ErrorCode::unauthenticated);
}

TEST_F(ElevenLabsWsSessionTest, RateLimitedOnceIsRetried) {
  make_fake();
  fake_->push_fault(ElevenLabsFault::rate_limited);
  start();
  ASSERT_TRUE(session_->synthesize(1, "Hello there.", true));
  ASSERT_TRUE(listener_.wait_for_done(1));
  EXPECT_EQ(count_kind(1, TtsEvent::Kind::error), 0u);
  EXPECT_EQ(audio_of(1), fake_->audio_for("Hello there. "));
  EXPECT_EQ(fake_->socket_sessions().size(), 2u);
  EXPECT_EQ(logger_.count(LogLevel::warn, "too_many_concurrent_requests"), 1u);
}

TEST_F(ElevenLabsWsSessionTest, RateLimitedBeyondRetriesIsOneError) {
  make_fake();
  fake_->push_fault(ElevenLabsFault::rate_limited);
  fake_->push_fault(ElevenLabsFault::rate_limited);
  start();
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  EXPECT_EQ(only_error(1).code(), ErrorCode::rate_limited);
  EXPECT_EQ(fake_->socket_sessions().size(), 2u);  // the first try and max_retries = 1
  expect_next_utterance_works(2);
}

TEST_F(ElevenLabsWsSessionTest, ServerErrorsBeyondRetriesAreOneError) {
  make_fake();
  fake_->push_fault(ElevenLabsFault::server_error);
  fake_->push_fault(ElevenLabsFault::server_error);
  start();
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  EXPECT_EQ(only_error(1).code(), ErrorCode::unavailable);
  EXPECT_EQ(count_kind(1, TtsEvent::Kind::audio), 0u);
  expect_next_utterance_works(2);
}

TEST_F(ElevenLabsWsSessionTest, RefusedHandshakesAreOneError) {
  make_fake();
  // The first lands on the connection opened ahead of time (a free retry), then the real
  // try and its one retry.
  fake_->push_fault(ElevenLabsFault::refuse);
  fake_->push_fault(ElevenLabsFault::refuse);
  fake_->push_fault(ElevenLabsFault::refuse);
  start();
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  EXPECT_EQ(only_error(1).code(), ErrorCode::unavailable);
  expect_next_utterance_works(2);
}

TEST_F(ElevenLabsWsSessionTest, TheUpgradeGoesOverTheConnectionOpenedAhead) {
  // The worker opens a connection before it takes any text, and the upgrade uses it: a
  // refusal there reads as a stale connection, replaced free of the retry budget. Had the
  // upgrade opened its own connection, the refusal would be final with max_retries 0.
  make_fake();
  fake_->push_fault(ElevenLabsFault::refuse);
  start(R"(, "max_retries": 0)");
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  ASSERT_TRUE(listener_.wait_until([](const RecordingTtsListener::Events& events) {
    return std::any_of(events.begin(), events.end(), [](const TtsEvent& event) {
      return event.kind == TtsEvent::Kind::done || event.kind == TtsEvent::Kind::error;
    });
  }));
  EXPECT_EQ(count_kind(1, TtsEvent::Kind::error), 0u);
  EXPECT_EQ(count_kind(1, TtsEvent::Kind::done), 1u);
  EXPECT_EQ(fake_->socket_sessions().size(), 2u);
}

TEST_F(ElevenLabsWsSessionTest, ErrorMessageThenClose1008IsOneError) {
  make_fake();
  fake_->push_fault(ElevenLabsFault::socket_error_close);
  start();
  ASSERT_TRUE(session_->synthesize(1, "Hello there. ", false));
  ASSERT_TRUE(session_->synthesize(1, "More text.", true));
  const Status error = only_error(1);
  EXPECT_EQ(error.code(), ErrorCode::vendor_error);
  EXPECT_NE(error.message().find("internal_error"), std::string::npos) << error.message();
  EXPECT_NE(error.message().find("1008"), std::string::npos) << error.message();
  expect_next_utterance_works(2);
}

TEST_F(ElevenLabsWsSessionTest, DisconnectMidStreamIsAVendorError) {
  FakeElevenLabsSettings settings;
  settings.socket_chars_per_message = 5;
  make_fake(settings);
  fake_->push_fault(ElevenLabsFault::disconnect_mid_stream);
  start();
  ASSERT_TRUE(session_->synthesize(1, "This answer will be cut off half way.", true));
  EXPECT_EQ(only_error(1).code(), ErrorCode::vendor_error);
  EXPECT_GT(count_kind(1, TtsEvent::Kind::audio), 0u);
  EXPECT_EQ(fake_->socket_sessions().size(), 1u);  // never retried once text was sent
  expect_next_utterance_works(2);
}

TEST_F(ElevenLabsWsSessionTest, SlowFirstAudioIsATimeout) {
  FakeElevenLabsSettings settings;
  settings.slow_first_byte_ms = 3000;
  make_fake(settings);
  fake_->push_fault(ElevenLabsFault::slow_first_byte);
  start(R"(, "first_audio_timeout_ms": 200)");
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  EXPECT_EQ(only_error(1).code(), ErrorCode::timeout);
  expect_next_utterance_works(2);
}

TEST_F(ElevenLabsWsSessionTest, UnreachableServerIsUnavailable) {
  std::uint16_t closed_port = 0;
  {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    closed_port = probe.address().port();
  }  // closed again: connections to it are refused
  start_against("http://127.0.0.1:" + std::to_string(closed_port));
  ASSERT_TRUE(session_->synthesize(1, "Hello.", true));
  EXPECT_EQ(only_error(1).code(), ErrorCode::unavailable);
  EXPECT_GE(logger_.count(LogLevel::warn, "retrying"), 1u);
}

TEST_F(ElevenLabsWsSessionTest, BlankEndPieceOnlyEndsTheUtterance) {
  make_fake();
  start();
  ASSERT_TRUE(session_->synthesize(1, "", true));
  ASSERT_TRUE(listener_.wait_for_done(1));
  EXPECT_EQ(fake_->socket_sessions().size(), 0u);
}

TEST_F(ElevenLabsWsSessionTest, EmptyEndPieceClosesWithoutFlush) {
  make_fake();
  start();
  ASSERT_TRUE(session_->synthesize(1, "Only piece.", false));
  ASSERT_TRUE(session_->synthesize(1, "", true));
  ASSERT_TRUE(listener_.wait_for_done(1));
  ASSERT_TRUE(fake_->wait_sockets_ended(kPatience));
  const auto sockets = fake_->socket_sessions();
  ASSERT_EQ(sockets.size(), 1u);
  ASSERT_EQ(sockets[0].messages.size(), 3u);
  EXPECT_EQ(sockets[0].messages[1], R"({"text":"Only piece. ","try_trigger_generation":true})");
  EXPECT_EQ(sockets[0].messages[2], R"({"text":""})");
  EXPECT_EQ(audio_of(1), fake_->audio_for("Only piece. "));
}

TEST_F(ElevenLabsWsSessionTest, DestroyingMidStreamIsClean) {
  FakeElevenLabsSettings settings;
  settings.socket_chars_per_message = 4;
  settings.write_interval_ms = 20;
  make_fake(settings);
  start();
  ASSERT_TRUE(session_->synthesize(1, std::string(400, 'b'), true));
  ASSERT_TRUE(listener_.wait_for_kind(1, TtsEvent::Kind::audio));
  session_.reset();
  const std::size_t events = listener_.events().size();
  EXPECT_EQ(count_kind(1, TtsEvent::Kind::done), 0u);
  EXPECT_TRUE(fake_->wait_sockets_ended(kPatience));
  EXPECT_EQ(listener_.events().size(), events);
}

}  // namespace
}  // namespace callagent::plugins
