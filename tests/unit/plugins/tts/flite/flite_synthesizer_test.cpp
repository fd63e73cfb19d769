// The real Flite: sample rates, audio and the token times read from Flite's utterance.
#include "plugins/tts/flite/flite_synthesizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

namespace callagent::plugins {
namespace {

std::unique_ptr<FliteSynthesizer> make_synthesizer(std::string_view voice, FliteSynthesisSettings settings = {}) {
  auto created = FliteSynthesizer::create(voice, settings);
  EXPECT_TRUE(created.is_ok()) << voice << ": " << created.status().message();
  return created.is_ok() ? std::move(created).value() : nullptr;
}

SynthesizedSpeech speak(const FliteSynthesizer& synthesizer, std::string_view text) {
  auto speech = synthesizer.synthesize(text);
  EXPECT_TRUE(speech.is_ok()) << speech.status().message();
  return speech.is_ok() ? std::move(speech).value() : SynthesizedSpeech{};
}

double root_mean_square(const std::vector<std::int16_t>& samples) {
  double sum = 0.0;
  for (const std::int16_t sample : samples) sum += static_cast<double>(sample) * sample;
  return samples.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(samples.size()));
}

TEST(FliteSynthesizer, LearnsEachVoicesNativeSampleRate) {
  for (const auto& [voice, rate_hz] : std::vector<std::pair<std::string_view, std::uint32_t>>{
           {"rms", 16000}, {"slt", 16000}, {"awb", 16000}, {"kal", 8000}, {"kal16", 16000}}) {
    const auto synthesizer = make_synthesizer(voice);
    ASSERT_NE(synthesizer, nullptr);
    EXPECT_EQ(synthesizer->sample_rate_hz(), rate_hz) << voice;
  }
}

TEST(FliteSynthesizer, RefusesAnUnknownVoice) {
  const auto created = FliteSynthesizer::create("kal8", {});
  EXPECT_EQ(created.status().code(), ErrorCode::invalid_argument);
}

TEST(FliteSynthesizer, SpeaksASentenceWithEveryTokenTimedInOrder) {
  const auto synthesizer = make_synthesizer("rms");
  ASSERT_NE(synthesizer, nullptr);
  const SynthesizedSpeech speech = speak(*synthesizer, "Hello, how can I help you today?");
  const double duration_ms = static_cast<double>(speech.samples.size()) * 1000.0 / 16000.0;
  EXPECT_GT(duration_ms, 1000.0);
  EXPECT_LT(duration_ms, 4000.0);
  EXPECT_GT(root_mean_square(speech.samples), 300.0);  // speech, not silence

  const std::vector<std::string> expected{"Hello,", "how", "can", "I", "help", "you", "today?"};
  ASSERT_EQ(speech.tokens.size(), expected.size());
  std::int64_t previous_end_ms = 0;
  for (std::size_t index = 0; index < expected.size(); ++index) {
    const SpokenToken& token = speech.tokens[index];
    EXPECT_EQ(token.text, expected[index]);
    EXPECT_TRUE(token.spoken) << token.text;
    EXPECT_GE(token.start_ms, previous_end_ms) << token.text;
    EXPECT_GT(token.end_ms, token.start_ms) << token.text;
    EXPECT_LE(static_cast<double>(token.end_ms), duration_ms) << token.text;
    previous_end_ms = token.end_ms;
  }
  EXPECT_GT(speech.tokens.front().start_ms, 0);  // Flite starts with a short pause
}

TEST(FliteSynthesizer, ExpandsNumbersInsideOneTimedToken) {
  const auto synthesizer = make_synthesizer("rms");
  ASSERT_NE(synthesizer, nullptr);
  const SynthesizedSpeech speech = speak(*synthesizer, "It costs $42.50 - at 3:30pm.");
  ASSERT_EQ(speech.tokens.size(), 6U);
  EXPECT_EQ(speech.tokens[2].text, "$42.50");
  // "forty two dollars fifty cents" takes far longer than one short word.
  EXPECT_GT(speech.tokens[2].end_ms - speech.tokens[2].start_ms, 1000);
  EXPECT_FALSE(speech.tokens[3].spoken);  // a lone dash makes no sound
  EXPECT_TRUE(speech.tokens[5].spoken);
}

TEST(FliteSynthesizer, SpeedShortensTheAudioWithoutChangingTheVoice) {
  const auto normal = make_synthesizer("rms");
  const auto fast = make_synthesizer("rms", FliteSynthesisSettings{0.5, std::nullopt});
  ASSERT_NE(normal, nullptr);
  ASSERT_NE(fast, nullptr);
  const std::string text = "Thank you for calling, goodbye.";
  const auto normal_samples = speak(*normal, text).samples.size();
  const auto fast_samples = speak(*fast, text).samples.size();
  EXPECT_LT(static_cast<double>(fast_samples), 0.7 * static_cast<double>(normal_samples));
  // The shared voice itself was not changed by the fast synthesizer.
  EXPECT_EQ(speak(*normal, text).samples.size(), normal_samples);
}

TEST(FliteSynthesizer, BlankTextIsOnlyAShortSilence) {
  const auto synthesizer = make_synthesizer("rms");
  ASSERT_NE(synthesizer, nullptr);
  const SynthesizedSpeech speech = speak(*synthesizer, "");
  EXPECT_TRUE(speech.tokens.empty());
  EXPECT_LT(speech.samples.size(), 16000U);
}

TEST(FliteSynthesizer, ManyThreadsMaySynthesiseAtOnce) {
  const auto rms = make_synthesizer("rms");
  const auto kal = make_synthesizer("kal");
  ASSERT_NE(rms, nullptr);
  ASSERT_NE(kal, nullptr);
  // The voices add random noise to their excitation, so the samples differ from run to run;
  // the length and the token times come from the models alone and do not.
  const SynthesizedSpeech reference = speak(*rms, "One two three.");
  std::vector<SynthesizedSpeech> results(6);
  {
    std::vector<std::thread> threads;
    for (std::size_t index = 0; index < results.size(); ++index) {
      threads.emplace_back([&, index] {
        const FliteSynthesizer& synthesizer = index % 2 == 0 ? *rms : *kal;
        auto speech = synthesizer.synthesize("One two three.");
        if (speech.is_ok()) results[index] = std::move(speech).value();
      });
    }
    for (auto& thread : threads) thread.join();
  }
  for (std::size_t index = 0; index < results.size(); ++index) {
    const SynthesizedSpeech& result = results[index];
    ASSERT_EQ(result.tokens.size(), 3U) << index;
    if (index % 2 == 0) {
      EXPECT_EQ(result.samples.size(), reference.samples.size()) << index;
      EXPECT_EQ(result.tokens.back().end_ms, reference.tokens.back().end_ms) << index;
    } else {
      EXPECT_GT(root_mean_square(result.samples), 300.0) << index;
    }
  }
}

}  // namespace
}  // namespace callagent::plugins
