#include "host/pipeline/dtmf_tones.h"

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "host/audio/mulaw.h"

namespace callagent::pipeline {
namespace {

// Goertzel power of `frequency_hz` in the first `samples` of the audio.
double tone_power(const std::vector<std::uint8_t>& audio, double frequency_hz, std::size_t samples) {
  const double coefficient = 2.0 * std::cos(2.0 * std::numbers::pi * frequency_hz / 8000.0);
  double previous = 0.0, before_previous = 0.0;
  for (std::size_t index = 0; index < samples; ++index) {
    const double value = audio::mulaw_to_linear(audio[index]) + coefficient * previous - before_previous;
    before_previous = previous;
    previous = value;
  }
  return previous * previous + before_previous * before_previous - coefficient * previous * before_previous;
}

TEST(DtmfTonesTest, DigitFiveIs770And1336Hz) {
  const auto audio = dtmf_audio("5", 100, 80);
  ASSERT_TRUE(audio);
  EXPECT_EQ(audio->size(), 180U * 8);
  const double wanted = tone_power(*audio, 770, 800) + tone_power(*audio, 1336, 800);
  const double other = tone_power(*audio, 697, 800) + tone_power(*audio, 1209, 800);
  EXPECT_GT(wanted, 50 * other);
}

TEST(DtmfTonesTest, RefusesUnknownKeysAndPausesOnW) {
  EXPECT_FALSE(dtmf_audio("12x"));
  const auto pause = dtmf_audio("w");
  ASSERT_TRUE(pause);
  EXPECT_EQ(pause->size(), 4000U);
}

}  // namespace
}  // namespace callagent::pipeline
