#include "plugins/tts/flite/pcm_frames.h"

#include <gtest/gtest.h>

namespace callagent::plugins {
namespace {

TEST(PcmFrames, TwentyMillisecondsOfSamplesPerFrame) {
  EXPECT_EQ(samples_per_frame(16000), 320U);
  EXPECT_EQ(samples_per_frame(8000), 160U);
}

TEST(PcmFrames, WritesLittleEndianAndPadsTheLastFrameWithSilence) {
  const std::vector<std::int16_t> samples{0x0102, -2, 0x7FFF};
  const auto bytes = to_pcm16_le_frames(samples, 2);
  const std::vector<std::uint8_t> expected{0x02, 0x01, 0xFE, 0xFF, 0xFF, 0x7F, 0x00, 0x00};
  EXPECT_EQ(bytes, expected);
}

TEST(PcmFrames, WholeFramesNeedNoPadding) {
  EXPECT_EQ(to_pcm16_le_frames(std::vector<std::int16_t>(320, 1), 160).size(), 640U);
  EXPECT_TRUE(to_pcm16_le_frames({}, 160).empty());
}

}  // namespace
}  // namespace callagent::plugins
