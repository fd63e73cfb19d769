// The provider with configurations other than the default: a grammar, a log file, models
// that fail to load. Each test loads its own decoder (about 0.3 s).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "plugins/stt/pocketsphinx/decoder_pool.h"
#include "plugins/stt/pocketsphinx/pocketsphinx_config.h"
#include "plugins/stt/pocketsphinx/pocketsphinx_session.h"
#include "plugins/stt/pocketsphinx/pocketsphinx_stt.h"
#include "recording_stt_listener.h"
#include "telephone_speech.h"
#include "temporary_folder.h"
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
using testing::TemporaryFolder;

constexpr auto kProcessingBound = 60s;

// Grammar words must be spelled as in cmudict: lower case.
constexpr std::string_view kMenuGrammar = R"(#JSGF V1.0;
grammar menu;
public <request> = check my balance | pay my bill | talk to an agent | book an appointment;
)";

std::string json_string(const std::string& text) { return "\"" + text + "\""; }

Result<std::unique_ptr<PocketsphinxStt>> create(const std::string& config_json, Logger& logger) {
  return PocketsphinxStt::create(ProviderContext{config_json, logger, ""});
}

std::unique_ptr<PocketsphinxSession> open_session(PocketsphinxStt& provider, const CallInfo& call,
                                                  Logger& logger, SttListener& listener) {
  auto opened = provider.open_session(SessionContext{call, logger}, listener);
  EXPECT_TRUE(opened.is_ok()) << opened.status().message();
  if (!opened.is_ok()) return nullptr;
  return std::unique_ptr<PocketsphinxSession>(
      dynamic_cast<PocketsphinxSession*>(std::move(opened).value().release()));
}

std::string read_file(const std::string& path) {
  std::ifstream file(path);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

TEST(PocketsphinxProviderTest, DeclaresPcm16At16kHz) {
  RecordingLogger logger;
  auto provider = create(R"({"decoders": 1})", logger);
  ASSERT_TRUE(provider.is_ok()) << provider.status().message();
  const AudioFormat format = provider.value()->input_format();
  EXPECT_EQ(format.encoding, AudioEncoding::pcm16_le);
  EXPECT_EQ(format.sample_rate_hz, 16000U);
}

TEST(PocketsphinxProviderTest, AGrammarRecognisesItsPhrasesExactly) {
  TemporaryFolder folder;
  const std::string grammar = folder.write("menu.gram", kMenuGrammar);
  RecordingLogger logger;
  auto provider = create(R"({"decoders": 1, "grammar": )" + json_string(grammar) + "}", logger);
  ASSERT_TRUE(provider.is_ok()) << provider.status().message();

  RecordingSttListener listener;
  CallInfo call;
  auto session = open_session(*provider.value(), call, logger, listener);
  ASSERT_NE(session, nullptr);
  ChunkFeeder feeder;
  ASSERT_TRUE(feeder.feed(*session, telephone_speech("talk to an agent")).is_ok());
  ASSERT_TRUE(feeder.feed(*session, telephone_silence(800)).is_ok());
  ASSERT_TRUE(feeder.feed(*session, telephone_speech("check my balance")).is_ok());
  ASSERT_TRUE(feeder.feed(*session, telephone_silence(800)).is_ok());
  ASSERT_TRUE(session->wait_until_processed_for_testing(kProcessingBound));
  session->close();

  const auto finals = listener.finals();
  ASSERT_EQ(finals.size(), 2U);
  std::cout << "[ transcript ] " << finals[0].transcript << "\n[ transcript ] " << finals[1].transcript << "\n";
  EXPECT_EQ(finals[0].transcript, "talk to an agent");
  EXPECT_EQ(finals[1].transcript, "check my balance");
  ASSERT_EQ(finals[0].words.size(), 4U);
  EXPECT_EQ(finals[0].words[0].text, "talk");
  // Grammar search computes no posteriors in this PocketSphinx: no confidence claimed.
  EXPECT_EQ(finals[0].confidence, 0.0F);
}

TEST(PocketsphinxProviderTest, AGrammarWordMissingFromTheDictionaryFailsCreateWithTheLibrarysReason) {
  TemporaryFolder folder;
  const std::string grammar = folder.write("bad.gram", R"(#JSGF V1.0;
grammar bad;
public <request> = pay my zzqxv;
)");
  RecordingLogger logger;
  auto provider = create(R"({"decoders": 1, "grammar": )" + json_string(grammar) + "}", logger);
  ASSERT_FALSE(provider.is_ok());
  EXPECT_EQ(provider.status().code(), ErrorCode::unavailable);
  EXPECT_NE(provider.status().message().find(grammar), std::string::npos) << provider.status().message();
  EXPECT_NE(provider.status().message().find("zzqxv"), std::string::npos) << provider.status().message();
}

TEST(PocketsphinxProviderTest, AMissingModelFolderFailsCreateNamingThePath) {
  RecordingLogger logger;
  auto provider = create(R"({"model_dir": "/nonexistent/pocketsphinx/en-us"})", logger);
  ASSERT_FALSE(provider.is_ok());
  EXPECT_EQ(provider.status().code(), ErrorCode::invalid_config);
  EXPECT_EQ(provider.status().message(), "model_dir: /nonexistent/pocketsphinx/en-us does not exist");
}

TEST(PocketsphinxProviderTest, TheLibrarysLogGoesToLogFileAndNeverToStdoutOrStderr) {
  TemporaryFolder folder;
  const std::string log_file = (folder.path() / "pocketsphinx.log").string();
  RecordingLogger logger;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  {
    auto provider = create(R"({"decoders": 1, "log_file": )" + json_string(log_file) + "}", logger);
    ASSERT_TRUE(provider.is_ok()) << provider.status().message();
    RecordingSttListener listener;
    CallInfo call;
    auto session = open_session(*provider.value(), call, logger, listener);
    ChunkFeeder feeder;
    ASSERT_TRUE(feeder.feed(*session, telephone_speech("pay my bill")).is_ok());
    ASSERT_TRUE(feeder.feed(*session, telephone_silence(800)).is_ok());
    ASSERT_TRUE(session->wait_until_processed_for_testing(kProcessingBound));
    session->close();
    EXPECT_EQ(listener.finals().size(), 1U);
  }
  std::fflush(nullptr);
  const std::string printed = ::testing::internal::GetCapturedStdout() + ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(printed, "");
  const std::string logged = read_file(log_file);
  EXPECT_NE(logged.find("INFO: "), std::string::npos);
}

TEST(PocketsphinxProviderTest, ASessionWhoseDecoderCannotLoadReportsOneUnrecoverableError) {
  // A pool whose settings fail in the library (not in the file checks): the session finds
  // it empty and fails while loading on its own thread.
  TemporaryFolder folder;
  DecoderSettings settings;
  settings.model_dir = "/usr/share/pocketsphinx/model/en-us/en-us";
  settings.dictionary = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";
  settings.grammar = folder.write("bad.gram", "#JSGF V1.0;\ngrammar bad;\npublic <x> = zzqxv;\n");
  RecordingLogger logger;
  auto log_route = SphinxLogRoute::open("/dev/null");
  ASSERT_TRUE(log_route.is_ok());
  DecoderPool pool(settings, 1);
  RecordingSttListener listener;
  PocketsphinxSession session(EndpointingSettings{}, pool, nullptr, listener, logger);
  ASSERT_TRUE(session.start().is_ok());
  ChunkFeeder feeder;
  ASSERT_TRUE(feeder.feed(session, telephone_silence(200)).is_ok());
  ASSERT_TRUE(session.wait_until_processed_for_testing(kProcessingBound));

  const auto events = listener.events();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, SttEvent::Kind::error);
  EXPECT_EQ(events[0].error.code(), ErrorCode::unavailable);
  EXPECT_NE(events[0].error.message().find("zzqxv"), std::string::npos) << events[0].error.message();
  EXPECT_EQ(logger.count(LogLevel::error, "recognition stopped"), 1U);
  // The session stays dead: audio is refused, and no second error follows.
  const std::vector<std::uint8_t> bytes(640, 0);
  EXPECT_EQ(session.send_audio({bytes.data(), bytes.size(), AudioEncoding::pcm16_le, 16000, 200}).code(),
            ErrorCode::internal);
  session.close();
  EXPECT_EQ(listener.events().size(), 1U);
  EXPECT_EQ(pool.idle_count(), 0U);
}

TEST(PocketsphinxSessionTest, AnUtteranceLongerThanTheLimitIsReportedInPartsThatAreNotSpeechFinal) {
  auto log_route = SphinxLogRoute::open("/dev/null");
  ASSERT_TRUE(log_route.is_ok());
  const PocketsphinxConfig defaults;
  DecoderPool pool(DecoderSettings{.model_dir = defaults.model_dir,
                                   .dictionary = defaults.dictionary,
                                   .language_model = defaults.language_model,
                                   .grammar = {},
                                   .vad_hangover_ms = 500},
                   1);
  EndpointingSettings endpointing;
  endpointing.max_utterance_ms = 1200;  // shorter than the sentence
  RecordingSttListener listener;
  RecordingLogger logger;
  PocketsphinxSession session(endpointing, pool, nullptr, listener, logger);
  ASSERT_TRUE(session.start().is_ok());
  ChunkFeeder feeder;
  ASSERT_TRUE(feeder.feed(session, telephone_speech("I would like to book an appointment")).is_ok());
  ASSERT_TRUE(feeder.feed(session, telephone_silence(1000)).is_ok());
  ASSERT_TRUE(session.wait_until_processed_for_testing(kProcessingBound));
  session.close();

  const auto finals = listener.finals();
  ASSERT_GE(finals.size(), 2U);
  for (const auto& part : finals) std::cout << "[ transcript ] " << part.transcript << (part.speech_final ? " (speech_final)" : "") << "\n";
  EXPECT_FALSE(finals[0].speech_final);
  EXPECT_LT(finals[0].words.front().start_ms, finals[1].words.front().start_ms);
  EXPECT_EQ(pool.idle_count(), 1U);  // the session's own decoder went back to the pool
}

}  // namespace
}  // namespace callagent::plugins::pocketsphinx
