// Sessions end to end: the provider with the real Flite, and with wrapped synthesizers
// that pause or fail on demand. No timing assertions: every wait is for an event, with a
// generous timeout that only a hung worker reaches.
#include "plugins/tts/flite/flite_tts.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "plugins/tts/flite/flite_synthesizer.h"
#include "plugins/tts/flite/flite_tts_session.h"
#include "tests/fakes/recording_logger.h"
#include "tests/unit/plugins/tts/flite/recording_tts_listener.h"
#include "tests/unit/plugins/tts/flite/test_synthesizers.h"

namespace callagent::plugins {
namespace {

using testing::RecordingTtsListener;
using testing::TtsEvent;
using Kind = TtsEvent::Kind;

constexpr std::string_view kGreeting = "Hello, how can I help you today?";

std::unique_ptr<FliteTtsProvider> make_provider(callagent::testing::RecordingLogger& logger,
                                                std::string_view config_json) {
  const ProviderContext context{config_json, logger, ""};
  auto created = FliteTtsProvider::create(context);
  EXPECT_TRUE(created.is_ok()) << created.status().message();
  return created.is_ok() ? std::move(created).value() : nullptr;
}

// One provider with its session and everything they borrow, in the order that destroys the
// session first.
struct SessionFixture {
  explicit SessionFixture(std::string_view config_json = "{}")
      : provider(make_provider(provider_logger, config_json)) {
    if (!provider) return;
    auto opened = provider->open_session(SessionContext{call, session_logger}, listener);
    EXPECT_TRUE(opened.is_ok()) << opened.status().message();
    if (opened.is_ok()) session = std::move(opened).value();
  }

  callagent::testing::RecordingLogger provider_logger;
  callagent::testing::RecordingLogger session_logger;
  CallInfo call;
  RecordingTtsListener listener;
  std::unique_ptr<FliteTtsProvider> provider;
  std::unique_ptr<TtsSession> session;
};

const SpeechSynthesizer& shared_rms_synthesizer() {
  static const auto synthesizer = [] {
    auto created = FliteSynthesizer::create("rms", {});
    if (!created) throw std::runtime_error(created.status().message());
    return std::move(created).value();
  }();
  return *synthesizer;
}

std::vector<TtsEvent> of_kind(const std::vector<TtsEvent>& events, Kind kind) {
  std::vector<TtsEvent> selected;
  for (const auto& event : events) {
    if (event.kind == kind) selected.push_back(event);
  }
  return selected;
}

double root_mean_square_pcm16(const std::vector<TtsEvent>& audio_events) {
  double sum = 0.0;
  std::size_t count = 0;
  for (const auto& event : audio_events) {
    for (std::size_t index = 0; index + 1 < event.audio.size(); index += 2) {
      const auto sample = static_cast<std::int16_t>(event.audio[index] | (event.audio[index + 1] << 8));
      sum += static_cast<double>(sample) * sample;
      ++count;
    }
  }
  return count == 0 ? 0.0 : std::sqrt(sum / static_cast<double>(count));
}

// The utterance's events must be: word timings before the audio they describe, audio in
// 20 ms chunks with consecutive offsets from `first_offset_ms`. Returns the audio's end.
std::int64_t check_timings_then_audio(const std::vector<TtsEvent>& events, std::uint32_t rate_hz,
                                      std::int64_t first_offset_ms = 0) {
  std::int64_t next_offset_ms = first_offset_ms;
  std::int64_t covered_by_timings_ms = first_offset_ms;
  for (const auto& event : events) {
    if (event.kind == Kind::words) {
      EXPECT_FALSE(event.words.empty());
      EXPECT_GE(event.words.front().start_ms, next_offset_ms);  // describes audio not yet sent
      covered_by_timings_ms = event.words.back().end_ms;
    } else if (event.kind == Kind::audio) {
      EXPECT_EQ(event.encoding, AudioEncoding::pcm16_le);
      EXPECT_EQ(event.sample_rate_hz, rate_hz);
      EXPECT_EQ(event.audio.size(), static_cast<std::size_t>(rate_hz) * 20 / 1000 * 2);
      EXPECT_EQ(event.stream_offset_ms, next_offset_ms);
      next_offset_ms += 20;
    }
  }
  EXPECT_LE(covered_by_timings_ms, next_offset_ms);
  return next_offset_ms;
}

TEST(FliteTtsProvider, ReportsPcmAtTheVoicesNativeRate) {
  callagent::testing::RecordingLogger logger;
  const auto rms = make_provider(logger, R"({"voice": "rms"})");
  const auto kal = make_provider(logger, R"({"voice": "kal"})");
  ASSERT_NE(rms, nullptr);
  ASSERT_NE(kal, nullptr);
  EXPECT_EQ(rms->output_format().encoding, AudioEncoding::pcm16_le);
  EXPECT_EQ(rms->output_format().sample_rate_hz, 16000U);
  EXPECT_EQ(kal->output_format().encoding, AudioEncoding::pcm16_le);
  EXPECT_EQ(kal->output_format().sample_rate_hz, 8000U);
  EXPECT_EQ(logger.count(LogLevel::info, "voice rms at 16000 Hz"), 1U);
}

TEST(FliteTtsProvider, RefusesABadConfigWithoutTouchingFlite) {
  EXPECT_EQ(FliteTtsProvider::validate_config(R"({"voice": "robot"})").code(), ErrorCode::invalid_config);
  EXPECT_TRUE(FliteTtsProvider::validate_config(R"({"voice": "slt", "speed": 1.2})").is_ok());
  callagent::testing::RecordingLogger logger;
  const ProviderContext context{R"({"speed": 5})", logger, ""};
  const auto created = FliteTtsProvider::create(context);
  EXPECT_EQ(created.status().code(), ErrorCode::invalid_config);
  EXPECT_EQ(created.status().message().rfind("speed: ", 0), 0U);
}

TEST(FliteTtsProvider, VoiceKeyDiffersByVoiceAndSpeedAndIsStable) {
  callagent::testing::RecordingLogger logger;
  const auto rms = make_provider(logger, R"({"voice": "rms"})");
  const auto rms_again = make_provider(logger, R"({"speed": 1.0})");
  const auto slt = make_provider(logger, R"({"voice": "slt"})");
  const auto rms_fast = make_provider(logger, R"({"voice": "rms", "speed": 1.5})");
  ASSERT_TRUE(rms && rms_again && slt && rms_fast);
  EXPECT_EQ(rms->voice_key(), rms_again->voice_key());
  EXPECT_NE(rms->voice_key(), slt->voice_key());
  EXPECT_NE(rms->voice_key(), rms_fast->voice_key());
  EXPECT_EQ(rms->voice_key(), "tts_flite:rms:1:default");
}

TEST(FliteTtsProvider, WarnsThatRmsIgnoresAPitch) {
  callagent::testing::RecordingLogger logger;
  ASSERT_NE(make_provider(logger, R"({"voice": "rms", "pitch_hz": 150})"), nullptr);
  EXPECT_EQ(logger.count(LogLevel::warn, "pitch_hz has no effect"), 1U);
}

TEST(FliteTtsSession, SpeaksASentenceAsTimedTwentyMillisecondChunksThenDone) {
  SessionFixture fixture;
  ASSERT_NE(fixture.session, nullptr);
  ASSERT_TRUE(fixture.session->synthesize(1, kGreeting, true).is_ok());
  ASSERT_TRUE(fixture.listener.wait_for_done(1));

  const auto events = fixture.listener.events_for(1);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().kind, Kind::words);  // timings before any audio
  EXPECT_EQ(events.back().kind, Kind::done);
  EXPECT_EQ(of_kind(events, Kind::error).size(), 0U);
  EXPECT_EQ(of_kind(events, Kind::done).size(), 1U);

  const std::int64_t duration_ms = check_timings_then_audio(events, 16000);
  EXPECT_GE(duration_ms, 1000);
  EXPECT_LE(duration_ms, 4000);
  EXPECT_GT(root_mean_square_pcm16(of_kind(events, Kind::audio)), 300.0);

  const auto word_events = of_kind(events, Kind::words);
  ASSERT_EQ(word_events.size(), 1U);
  const auto& words = word_events[0].words;
  const std::vector<std::string> expected{"Hello,", "how", "can", "I", "help", "you", "today?"};
  ASSERT_EQ(words.size(), expected.size());
  std::int64_t previous_end_ms = 0;
  for (std::size_t index = 0; index < words.size(); ++index) {
    EXPECT_EQ(words[index].text, expected[index]);
    EXPECT_GE(words[index].start_ms, previous_end_ms);
    EXPECT_GT(words[index].end_ms, words[index].start_ms);
    EXPECT_LE(words[index].end_ms, duration_ms);
    previous_end_ms = words[index].end_ms;
  }
}

TEST(FliteTtsSession, KalSpeaksInEightKilohertzChunks) {
  SessionFixture fixture(R"({"voice": "kal"})");
  ASSERT_NE(fixture.session, nullptr);
  ASSERT_TRUE(fixture.session->synthesize(3, "Goodbye.", true).is_ok());
  ASSERT_TRUE(fixture.listener.wait_for_done(3));
  const auto audio = of_kind(fixture.listener.events_for(3), Kind::audio);
  ASSERT_FALSE(audio.empty());
  EXPECT_EQ(audio.front().sample_rate_hz, 8000U);
  EXPECT_EQ(audio.front().audio.size(), 320U);
}

TEST(FliteTtsSession, PiecesOfTwoUtterancesComeInOrderEachWithItsOwnDone) {
  SessionFixture fixture;
  ASSERT_NE(fixture.session, nullptr);
  TtsSession& session = *fixture.session;
  ASSERT_TRUE(session.synthesize(10, "Good morning.", false).is_ok());
  ASSERT_TRUE(session.synthesize(10, "How are you?", true).is_ok());
  ASSERT_TRUE(session.synthesize(11, "Fine, thanks.", true).is_ok());
  ASSERT_TRUE(fixture.listener.wait_for_done(11));

  const auto events = fixture.listener.events();
  // Every event of utterance 10, its done last, comes before any of utterance 11.
  std::size_t first_of_11 = events.size();
  for (std::size_t index = 0; index < events.size(); ++index) {
    if (events[index].utterance_id == 11 && first_of_11 == events.size()) first_of_11 = index;
    if (events[index].utterance_id == 10) {
      EXPECT_LT(index, first_of_11);
    }
  }
  ASSERT_LT(first_of_11, events.size());
  EXPECT_EQ(events[first_of_11 - 1].kind, Kind::done);
  EXPECT_EQ(events.back().kind, Kind::done);
  EXPECT_EQ(events.back().utterance_id, 11U);

  // Utterance 10's two pieces form one timeline: offsets and word times run on across them.
  const auto ten = fixture.listener.events_for(10);
  check_timings_then_audio(ten, 16000);
  const auto word_events = of_kind(ten, Kind::words);
  ASSERT_EQ(word_events.size(), 2U);
  EXPECT_EQ(word_events[0].words.front().text, "Good");
  EXPECT_EQ(word_events[1].words.front().text, "How");
  EXPECT_GT(word_events[1].words.front().start_ms, word_events[0].words.back().end_ms);
  EXPECT_EQ(of_kind(ten, Kind::done).size(), 1U);

  // Utterance 11 starts its own timeline at 0.
  const auto eleven_audio = of_kind(fixture.listener.events_for(11), Kind::audio);
  ASSERT_FALSE(eleven_audio.empty());
  EXPECT_EQ(eleven_audio.front().stream_offset_ms, 0);
}

TEST(FliteTtsSession, EmptyFinalPieceOnlyEndsTheUtterance) {
  SessionFixture fixture;
  ASSERT_NE(fixture.session, nullptr);
  ASSERT_TRUE(fixture.session->synthesize(20, "", true).is_ok());
  ASSERT_TRUE(fixture.listener.wait_for_done(20));
  const auto events = fixture.listener.events_for(20);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, Kind::done);

  // Text Flite cannot say at all, once cleaned, is the same as none.
  ASSERT_TRUE(fixture.session->synthesize(21, "\U0001F600 \u65E5", false).is_ok());
  ASSERT_TRUE(fixture.session->synthesize(21, "", true).is_ok());
  ASSERT_TRUE(fixture.listener.wait_for_done(21));
  EXPECT_EQ(fixture.listener.events_for(21).size(), 1U);
}

TEST(FliteTtsSession, CancelStopsTheAudioAtOnceAndALaterUtteranceStillWorks) {
  SessionFixture fixture;
  ASSERT_NE(fixture.session, nullptr);
  std::string long_text;
  // About a minute of speech in some fifteen spans: far more than is spoken before the test
  // thread, woken by the first chunk, cancels.
  for (int sentence = 0; sentence < 100; ++sentence) {
    long_text += "This is sentence number " + std::to_string(sentence) + " of a very long answer. ";
  }
  ASSERT_TRUE(fixture.session->synthesize(30, long_text, true).is_ok());
  ASSERT_TRUE(fixture.listener.wait_for_kind(30, Kind::audio));
  fixture.session->cancel(30);
  const std::size_t events_at_cancel = fixture.listener.events_for(30).size();

  ASSERT_TRUE(fixture.session->synthesize(31, "Sorry, go ahead.", true).is_ok());
  ASSERT_TRUE(fixture.listener.wait_for_done(31));
  // The worker has moved past utterance 30, and nothing of it came after cancel() returned.
  const auto cancelled = fixture.listener.events_for(30);
  EXPECT_EQ(cancelled.size(), events_at_cancel);
  EXPECT_EQ(of_kind(cancelled, Kind::done).size(), 0U);
  EXPECT_EQ(of_kind(cancelled, Kind::error).size(), 0U);
  EXPECT_FALSE(of_kind(fixture.listener.events_for(31), Kind::audio).empty());

  // Later pieces of the cancelled utterance are ignored.
  ASSERT_TRUE(fixture.session->synthesize(30, "More text.", true).is_ok());
  ASSERT_TRUE(fixture.session->synthesize(32, "Okay.", true).is_ok());
  ASSERT_TRUE(fixture.listener.wait_for_done(32));
  EXPECT_EQ(fixture.listener.events_for(30).size(), events_at_cancel);
}

TEST(FliteTtsSession, CancelDropsQueuedPiecesAndASynthesisInFlight) {
  testing::GatedSynthesizer gate(shared_rms_synthesizer());
  callagent::testing::RecordingLogger logger;
  RecordingTtsListener listener;
  {
    FliteTtsSession session(gate, listener, logger);
    // Opens the gate before the session's destructor joins, even when an assertion fails.
    struct OpenGateAtExit {
      testing::GatedSynthesizer& gate;
      ~OpenGateAtExit() { gate.open_for_good(); }
    } open_at_exit{gate};

    ASSERT_TRUE(session.synthesize(40, "First piece.", false).is_ok());
    ASSERT_TRUE(session.synthesize(40, "Second piece.", false).is_ok());
    ASSERT_TRUE(session.synthesize(40, "Third piece.", true).is_ok());
    gate.allow(1);
    ASSERT_TRUE(listener.wait_for_kind(40, Kind::audio));
    // The second piece is now waiting at the gate, the third in the queue.
    ASSERT_TRUE(gate.wait_until_one_waits(RecordingTtsListener::kPatience));
    session.cancel(40);
    const std::size_t events_at_cancel = listener.events_for(40).size();
    gate.open_for_good();

    ASSERT_TRUE(session.synthesize(41, "Next.", true).is_ok());
    ASSERT_TRUE(listener.wait_for_done(41));
    EXPECT_EQ(listener.events_for(40).size(), events_at_cancel);
    EXPECT_EQ(of_kind(listener.events_for(40), Kind::done).size(), 0U);
    const auto words = of_kind(listener.events_for(40), Kind::words);
    ASSERT_EQ(words.size(), 1U);
    EXPECT_EQ(words[0].words.front().text, "First");
  }
}

TEST(FliteTtsSession, AFailedSynthesisIsAVendorErrorThatEndsOnlyItsUtterance) {
  testing::FailingSynthesizer failing(shared_rms_synthesizer(), "poison");
  callagent::testing::RecordingLogger logger;
  RecordingTtsListener listener;
  FliteTtsSession session(failing, listener, logger);

  ASSERT_TRUE(session.synthesize(50, "This is fine.", false).is_ok());
  ASSERT_TRUE(session.synthesize(50, "This is poison.", false).is_ok());
  ASSERT_TRUE(session.synthesize(50, "Never spoken.", true).is_ok());
  ASSERT_TRUE(session.synthesize(51, "Still working.", true).is_ok());
  ASSERT_TRUE(listener.wait_for_done(51));

  const auto failed = listener.events_for(50);
  const auto errors = of_kind(failed, Kind::error);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].error.code(), ErrorCode::vendor_error);
  EXPECT_EQ(failed.back().kind, Kind::error);  // nothing after it, no done
  EXPECT_EQ(of_kind(failed, Kind::words).size(), 1U);  // only "This is fine."
  EXPECT_EQ(of_kind(failed, Kind::done).size(), 0U);
  EXPECT_EQ(logger.count(LogLevel::error, "utterance 50: vendor_error"), 1U);
}

TEST(FliteTtsSession, DestructionWithWorkQueuedJoinsAndStopsTheCallbacks) {
  SessionFixture fixture;
  ASSERT_NE(fixture.session, nullptr);
  for (std::uint64_t id = 60; id < 70; ++id) {
    ASSERT_TRUE(fixture.session->synthesize(id, "A sentence that takes a while to say.", true).is_ok());
  }
  ASSERT_TRUE(fixture.listener.wait_for_kind(60, Kind::audio));
  fixture.session.reset();  // stops the worker mid-queue and joins it
  // Joined: whatever arrived is complete, and the listener may go away now (the sanitizer
  // builds would catch a callback into it afterwards).
  const auto events = fixture.listener.events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().utterance_id, 60U);
  for (const auto& event : events) EXPECT_NE(event.kind, Kind::error);
}

TEST(FliteTtsSession, DestructionOfAnIdleSessionIsImmediate) {
  SessionFixture fixture;
  ASSERT_NE(fixture.session, nullptr);
  fixture.session.reset();
  EXPECT_TRUE(fixture.listener.events().empty());
}

TEST(FliteTtsSession, CleansTextBeforeSpeakingIt) {
  SessionFixture fixture;
  ASSERT_NE(fixture.session, nullptr);
  ASSERT_TRUE(fixture.session->synthesize(70, "I\u2019m here\u2014ready.\n", true).is_ok());
  ASSERT_TRUE(fixture.listener.wait_for_done(70));
  const auto words = of_kind(fixture.listener.events_for(70), Kind::words);
  ASSERT_EQ(words.size(), 1U);
  ASSERT_EQ(words[0].words.size(), 2U);
  EXPECT_EQ(words[0].words[0].text, "I'm");
  EXPECT_EQ(words[0].words[1].text, "here-ready.");
}

}  // namespace
}  // namespace callagent::plugins
