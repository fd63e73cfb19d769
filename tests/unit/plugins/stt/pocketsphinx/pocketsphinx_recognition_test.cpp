// The plugin end to end with the real PocketSphinx and models: synthesised telephone speech
// in, recognition events out. Decoding runs at about a quarter of real time on one core, so
// the audio here is kept short; every wait has a generous bound and no test measures wall
// time. Times checked are audio times on the call's timeline.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "plugins/stt/pocketsphinx/pocketsphinx_session.h"
#include "plugins/stt/pocketsphinx/pocketsphinx_stt.h"
#include "recording_stt_listener.h"
#include "telephone_speech.h"
#include "tests/fakes/recording_logger.h"

using namespace std::chrono_literals;

namespace callagent::plugins::pocketsphinx {
namespace {

using callagent::testing::RecordingLogger;
using testing::ChunkFeeder;
using testing::RecordingSttListener;
using testing::SttEvent;
using testing::telephone_silence;
using testing::telephone_speech;

constexpr std::string_view kBooking = "I would like to book an appointment";
constexpr std::string_view kOpeningHours = "What time do you open tomorrow";
// Audio starts this far into the call, so every time checked is on the call's timeline.
constexpr std::int64_t kCallOffsetMs = 10'000;
constexpr auto kProcessingBound = 60s;

bool contains_word(const std::string& transcript, std::string_view word) {
  return (" " + transcript + " ").find(" " + std::string(word) + " ") != std::string::npos;
}

std::unique_ptr<PocketsphinxStt> make_provider(std::string_view config_json, Logger& logger) {
  const ProviderContext context{config_json, logger, ""};
  auto created = PocketsphinxStt::create(context);
  EXPECT_TRUE(created.is_ok()) << created.status().message();
  return created.is_ok() ? std::move(created).value() : nullptr;
}

// The concrete session, so a test can wait for its worker.
std::unique_ptr<PocketsphinxSession> open_session(PocketsphinxStt& provider, const CallInfo& call,
                                                  Logger& logger, SttListener& listener) {
  auto opened = provider.open_session(SessionContext{call, logger}, listener);
  EXPECT_TRUE(opened.is_ok()) << opened.status().message();
  if (!opened.is_ok()) return nullptr;
  return std::unique_ptr<PocketsphinxSession>(
      dynamic_cast<PocketsphinxSession*>(std::move(opened).value().release()));
}

void feed_and_wait(PocketsphinxSession& session, ChunkFeeder& feeder,
                   const std::vector<std::int16_t>& samples) {
  ASSERT_TRUE(feeder.feed(session, samples).is_ok());
  ASSERT_TRUE(session.wait_until_processed_for_testing(kProcessingBound));
}

std::size_t index_of_first(const std::vector<SttEvent>& events, SttEvent::Kind kind, bool final_result = false) {
  for (std::size_t index = 0; index < events.size(); ++index) {
    if (events[index].kind != kind) continue;
    if (kind == SttEvent::Kind::result && events[index].result.is_final != final_result) continue;
    return index;
  }
  return events.size();
}

// One provider (two pooled decoders) for the suite: loading models is the slow part.
class PocketsphinxRecognitionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { provider_ = make_provider(R"({"decoders": 2})", provider_logger_); }
  static void TearDownTestSuite() { provider_.reset(); }

  void SetUp() override { ASSERT_NE(provider_, nullptr); }

  std::unique_ptr<PocketsphinxSession> open(SttListener& listener) {
    return open_session(*provider_, call_, session_logger_, listener);
  }

  static inline RecordingLogger provider_logger_;
  static inline std::unique_ptr<PocketsphinxStt> provider_;
  RecordingLogger session_logger_;
  CallInfo call_;
};

TEST_F(PocketsphinxRecognitionTest, RecognisesABookingRequestWithInterimsWordTimesAndAnUtteranceEnd) {
  RecordingSttListener listener;
  auto session = open(listener);
  ASSERT_NE(session, nullptr);
  ChunkFeeder feeder(kCallOffsetMs);
  feed_and_wait(*session, feeder, telephone_silence(300));
  const std::int64_t audio_begin_ms = feeder.next_offset_ms();
  feed_and_wait(*session, feeder, telephone_speech(kBooking));
  const std::int64_t audio_end_ms = feeder.next_offset_ms();
  feed_and_wait(*session, feeder, telephone_silence(1000));
  session->close();

  const auto events = listener.events();
  EXPECT_EQ(listener.count(SttEvent::Kind::speech_started), 1U);
  EXPECT_EQ(listener.count(SttEvent::Kind::error), 0U);
  const auto finals = listener.finals();
  ASSERT_EQ(finals.size(), 1U);
  const SttResult& final_result = finals[0];
  std::cout << "[ transcript ] " << final_result.transcript << " (confidence " << final_result.confidence
            << ")\n";
  EXPECT_TRUE(final_result.speech_final);
  EXPECT_TRUE(contains_word(final_result.transcript, "book")) << final_result.transcript;
  EXPECT_TRUE(contains_word(final_result.transcript, "appointment")) << final_result.transcript;
  EXPECT_GE(final_result.confidence, 0.0F);
  EXPECT_LE(final_result.confidence, 1.0F);

  // Order: speech started, interims, the final, then the utterance end.
  const std::size_t started = index_of_first(events, SttEvent::Kind::speech_started);
  const std::size_t first_interim = index_of_first(events, SttEvent::Kind::result, false);
  const std::size_t final_index = index_of_first(events, SttEvent::Kind::result, true);
  const std::size_t utterance_end = index_of_first(events, SttEvent::Kind::utterance_end);
  EXPECT_LT(started, first_interim);
  EXPECT_LT(first_interim, final_index);
  EXPECT_EQ(utterance_end, final_index + 1);
  for (const auto& interim : listener.interims()) {
    EXPECT_FALSE(interim.transcript.empty());
    EXPECT_FALSE(interim.speech_final);
  }

  // Words on the call's timeline, in order, inside the speech that was fed.
  ASSERT_FALSE(final_result.words.empty());
  std::int64_t previous_end_ms = audio_begin_ms;
  for (const auto& word : final_result.words) {
    EXPECT_FALSE(word.text.empty());
    EXPECT_EQ(word.text.find('('), std::string::npos) << word.text;
    EXPECT_NE(word.text.front(), '<') << word.text;
    EXPECT_GE(word.start_ms, previous_end_ms) << word.text;
    EXPECT_LT(word.start_ms, word.end_ms) << word.text;
    EXPECT_LE(word.end_ms, audio_end_ms) << word.text;
    previous_end_ms = word.end_ms;
  }
  EXPECT_EQ(events[utterance_end].offset_ms, final_result.words.back().end_ms);
  // speech_started comes from the partial hypothesis's first word; the final pass may
  // place that word a frame or two apart.
  EXPECT_NEAR(static_cast<double>(events[started].offset_ms),
              static_cast<double>(final_result.words.front().start_ms), 100.0);
  EXPECT_LE(final_result.start_ms, final_result.words.front().start_ms);
  EXPECT_GE(final_result.start_ms + final_result.duration_ms, final_result.words.back().end_ms);
  EXPECT_LE(final_result.start_ms + final_result.duration_ms, feeder.next_offset_ms());
}

TEST_F(PocketsphinxRecognitionTest, ReportsTwoSentencesSeparatedBySilenceInOrder) {
  RecordingSttListener listener;
  auto session = open(listener);
  ASSERT_NE(session, nullptr);
  ChunkFeeder feeder(kCallOffsetMs);
  feed_and_wait(*session, feeder, telephone_speech(kBooking));
  feed_and_wait(*session, feeder, telephone_silence(1000));
  const std::int64_t second_begin_ms = feeder.next_offset_ms();
  feed_and_wait(*session, feeder, telephone_speech(kOpeningHours));
  feed_and_wait(*session, feeder, telephone_silence(1000));
  session->close();

  const auto finals = listener.finals();
  ASSERT_EQ(finals.size(), 2U);
  std::cout << "[ transcript ] " << finals[0].transcript << "\n[ transcript ] " << finals[1].transcript << "\n";
  EXPECT_TRUE(contains_word(finals[0].transcript, "appointment")) << finals[0].transcript;
  EXPECT_TRUE(contains_word(finals[1].transcript, "tomorrow")) << finals[1].transcript;
  EXPECT_TRUE(finals[0].speech_final);
  EXPECT_TRUE(finals[1].speech_final);
  EXPECT_LT(finals[0].start_ms + finals[0].duration_ms, second_begin_ms + 1);
  EXPECT_GE(finals[1].words.front().start_ms, second_begin_ms);
  EXPECT_EQ(listener.count(SttEvent::Kind::speech_started), 2U);
  EXPECT_EQ(listener.count(SttEvent::Kind::utterance_end), 2U);
}

TEST_F(PocketsphinxRecognitionTest, SilenceAloneReportsNothing) {
  RecordingSttListener listener;
  auto session = open(listener);
  ASSERT_NE(session, nullptr);
  ChunkFeeder feeder(kCallOffsetMs);
  feed_and_wait(*session, feeder, telephone_silence(2000));
  session->finalize();
  ASSERT_TRUE(session->wait_until_processed_for_testing(kProcessingBound));
  session->close();
  // Not even speech_started: the detector's start-up burst decodes to no word.
  EXPECT_TRUE(listener.events().empty());
}

TEST_F(PocketsphinxRecognitionTest, FinalizeMidSpeechReportsAFinalThatIsNotSpeechFinal) {
  RecordingSttListener listener;
  auto session = open(listener);
  ASSERT_NE(session, nullptr);
  ChunkFeeder feeder(kCallOffsetMs);
  feed_and_wait(*session, feeder, telephone_silence(300));
  ASSERT_TRUE(feeder.feed_prefix(*session, telephone_speech(kBooking), 1500).is_ok());
  session->finalize();
  ASSERT_TRUE(session->wait_until_processed_for_testing(kProcessingBound));

  const auto finals = listener.finals();
  ASSERT_EQ(finals.size(), 1U);
  std::cout << "[ transcript ] " << finals[0].transcript << " (finalized after 1.5 s of speech)\n";
  EXPECT_FALSE(finals[0].transcript.empty());
  EXPECT_TRUE(finals[0].is_final);
  EXPECT_FALSE(finals[0].speech_final);
  EXPECT_EQ(listener.count(SttEvent::Kind::utterance_end), 0U);
  session->close();
}

TEST_F(PocketsphinxRecognitionTest, CloseJoinsTheWorkerAndNothingIsCalledAfterIt) {
  RecordingSttListener listener;
  auto session = open(listener);
  ASSERT_NE(session, nullptr);
  ChunkFeeder feeder(kCallOffsetMs);
  // Seconds of audio queued at once (under the 5 s bound): the worker is mid-decode
  // when close() comes.
  ASSERT_TRUE(feeder.feed(*session, telephone_speech(kBooking)).is_ok());
  ASSERT_TRUE(feeder.feed(*session, telephone_speech(kOpeningHours)).is_ok());
  session->close();
  listener.mark_closed();

  std::this_thread::sleep_for(300ms);  // a window for a stray callback to show itself
  EXPECT_EQ(listener.events_after_close(), 0);
  const std::vector<std::uint8_t> bytes(640, 0);
  const AudioChunk chunk{bytes.data(), bytes.size(), AudioEncoding::pcm16_le, 16000, 0};
  EXPECT_EQ(session->send_audio(chunk).code(), ErrorCode::cancelled);
  session->finalize();  // a no-op now
  session->close();     // and so is a second close
  session.reset();
  EXPECT_EQ(listener.events_after_close(), 0);
  EXPECT_EQ(session_logger_.count(LogLevel::info, "session closed after"), 1U);
}

TEST_F(PocketsphinxRecognitionTest, RefusesAudioInAnotherFormat) {
  RecordingSttListener listener;
  auto session = open(listener);
  ASSERT_NE(session, nullptr);
  const std::vector<std::uint8_t> bytes(320, 0xFF);
  EXPECT_EQ(session->send_audio({bytes.data(), bytes.size(), AudioEncoding::mulaw, 8000, 0}).code(),
            ErrorCode::invalid_argument);
  EXPECT_EQ(session->send_audio({bytes.data(), bytes.size(), AudioEncoding::pcm16_le, 8000, 0}).code(),
            ErrorCode::invalid_argument);
  EXPECT_EQ(session->send_audio({bytes.data(), 3, AudioEncoding::pcm16_le, 16000, 0}).code(),
            ErrorCode::invalid_argument);
  EXPECT_TRUE(session->send_audio({bytes.data(), 0, AudioEncoding::pcm16_le, 16000, 0}).is_ok());
  session->close();
  EXPECT_TRUE(listener.events().empty());
}

TEST_F(PocketsphinxRecognitionTest, ThreeSessionsAtOnceWithTwoPooledDecodersGiveTheSameResults) {
  ASSERT_EQ(provider_->pool_for_testing().idle_count(), 2U);
  const std::size_t loaded_before = provider_->pool_for_testing().loaded_count();

  RecordingSttListener listeners[3];
  RecordingLogger loggers[3];
  std::unique_ptr<PocketsphinxSession> sessions[3];
  for (int index = 0; index < 3; ++index) {
    sessions[index] = open_session(*provider_, call_, loggers[index], listeners[index]);
    ASSERT_NE(sessions[index], nullptr);
  }
  EXPECT_EQ(provider_->pool_for_testing().idle_count(), 0U);
  // The third found the pool empty and loads its own decoder on its thread.
  EXPECT_EQ(loggers[2].count(LogLevel::info, "loads its own"), 1U);

  // Interleaved, as three calls' audio would arrive.
  std::vector<std::int16_t> audio = telephone_speech(kBooking);
  const auto silence = telephone_silence(1000);
  audio.insert(audio.end(), silence.begin(), silence.end());
  ChunkFeeder feeders[3] = {ChunkFeeder(kCallOffsetMs), ChunkFeeder(kCallOffsetMs), ChunkFeeder(kCallOffsetMs)};
  constexpr std::int64_t kSliceMs = 200;
  for (std::int64_t fed_ms = 0; fed_ms < testing::duration_ms_of(audio); fed_ms += kSliceMs) {
    const auto begin = audio.begin() + static_cast<std::ptrdiff_t>(fed_ms * 16);
    const auto end = audio.begin() + static_cast<std::ptrdiff_t>(
                                         std::min<std::int64_t>(fed_ms + kSliceMs, testing::duration_ms_of(audio)) * 16);
    const std::vector<std::int16_t> slice(begin, end);
    for (int index = 0; index < 3; ++index) ASSERT_TRUE(feeders[index].feed(*sessions[index], slice).is_ok());
  }
  for (auto& session : sessions) ASSERT_TRUE(session->wait_until_processed_for_testing(kProcessingBound));
  for (auto& session : sessions) session->close();

  EXPECT_EQ(provider_->pool_for_testing().loaded_count(), loaded_before + 1);
  // Two go back; the third would exceed the configured pool and is freed.
  EXPECT_EQ(provider_->pool_for_testing().idle_count(), 2U);

  std::vector<SttResult> finals;
  for (auto& listener : listeners) {
    ASSERT_EQ(listener.finals().size(), 1U);
    finals.push_back(listener.finals()[0]);
    EXPECT_EQ(listener.count(SttEvent::Kind::error), 0U);
  }
  EXPECT_TRUE(contains_word(finals[0].transcript, "appointment")) << finals[0].transcript;
  // The same audio gives the same result whichever decoder heard it, whatever it heard before.
  for (int index = 1; index < 3; ++index) {
    EXPECT_EQ(finals[static_cast<std::size_t>(index)].transcript, finals[0].transcript);
    ASSERT_EQ(finals[static_cast<std::size_t>(index)].words.size(), finals[0].words.size());
    for (std::size_t word = 0; word < finals[0].words.size(); ++word) {
      EXPECT_EQ(finals[static_cast<std::size_t>(index)].words[word].start_ms, finals[0].words[word].start_ms);
      EXPECT_EQ(finals[static_cast<std::size_t>(index)].words[word].end_ms, finals[0].words[word].end_ms);
    }
  }
}

TEST_F(PocketsphinxRecognitionTest, LogsTheLifecycleAtInfoAndTranscriptsOnlyAtDebug) {
  RecordingSttListener listener;
  auto session = open(listener);
  ASSERT_NE(session, nullptr);
  ChunkFeeder feeder(kCallOffsetMs);
  feed_and_wait(*session, feeder, telephone_speech(kOpeningHours));
  feed_and_wait(*session, feeder, telephone_silence(800));
  session->close();

  ASSERT_EQ(listener.finals().size(), 1U);
  const std::string transcript = listener.finals()[0].transcript;
  EXPECT_EQ(session_logger_.count(LogLevel::info, "session opened"), 1U);
  EXPECT_EQ(session_logger_.count(LogLevel::info, "s of audio, 1 final transcripts"), 1U);
  EXPECT_EQ(session_logger_.count(LogLevel::debug, transcript), 1U);
  EXPECT_EQ(session_logger_.count(LogLevel::info, transcript), 0U);
  EXPECT_EQ(provider_logger_.count(LogLevel::info, "2 decoders loaded"), 1U);
}

}  // namespace
}  // namespace callagent::plugins::pocketsphinx
