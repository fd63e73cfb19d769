#include "host/audio/mulaw.h"

#include <cstdlib>

#include <gtest/gtest.h>

namespace callagent::audio {
namespace {

TEST(MulawTest, KnownCodesDecodeToTheG711Values) {
  EXPECT_EQ(mulaw_to_linear(0xFF), 0);       // silence
  EXPECT_EQ(mulaw_to_linear(0x7F), 0);       // negative zero
  EXPECT_EQ(mulaw_to_linear(0x80), 32124);   // largest positive
  EXPECT_EQ(mulaw_to_linear(0x00), -32124);  // largest negative
  EXPECT_EQ(mulaw_to_linear(0xFE), 8);
  EXPECT_EQ(mulaw_to_linear(0x7E), -8);
}

TEST(MulawTest, EncodingSilenceAndExtremes) {
  EXPECT_EQ(linear_to_mulaw(0), kMulawSilence);
  EXPECT_EQ(linear_to_mulaw(32767), 0x80);
  EXPECT_EQ(linear_to_mulaw(-32768), 0x00);
}

TEST(MulawTest, EveryCodeRoundTripsThroughLinear) {
  for (int code = 0; code < 256; ++code) {
    const auto mulaw = static_cast<std::uint8_t>(code);
    if (mulaw == 0x7F) continue;  // -0 re-encodes as +0 (0xFF)
    EXPECT_EQ(linear_to_mulaw(mulaw_to_linear(mulaw)), mulaw) << "code " << code;
  }
}

TEST(MulawTest, QuantisationErrorStaysWithinTheSegmentStep) {
  for (int sample = -32000; sample <= 32000; sample += 7) {
    const auto linear = static_cast<std::int16_t>(sample);
    const int decoded = mulaw_to_linear(linear_to_mulaw(linear));
    // The step doubles per segment; the largest is 1024, so half-step error ≤ 512... and
    // relative error stays under ~3% above the first segments.
    EXPECT_LE(std::abs(decoded - sample), std::max(16, std::abs(sample) / 16)) << sample;
  }
}

}  // namespace
}  // namespace callagent::audio
