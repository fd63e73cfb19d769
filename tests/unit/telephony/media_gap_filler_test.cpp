#include "host/telephony/media_gap_filler.h"

#include <gtest/gtest.h>

namespace callagent::telephony {
namespace {

TEST(MediaGapFillerTest, ContiguousFramesNeedNoSilence) {
  MediaGapFiller filler;
  EXPECT_EQ(filler.silence_before(0, 20), 0);
  EXPECT_EQ(filler.silence_before(20, 20), 0);
  EXPECT_EQ(filler.silence_before(40, 20), 0);
  EXPECT_EQ(filler.stream_offset_ms(), 60);
}

TEST(MediaGapFillerTest, JitterWithinOneFrameIsNotAGap) {
  MediaGapFiller filler;
  filler.silence_before(0, 20);
  EXPECT_EQ(filler.silence_before(35, 20), 0);  // 15 ms late: jitter
  EXPECT_EQ(filler.stream_offset_ms(), 40);
}

TEST(MediaGapFillerTest, AGapIsFilledWithExactlyItsLength) {
  MediaGapFiller filler;
  filler.silence_before(0, 20);
  filler.silence_before(20, 20);
  EXPECT_EQ(filler.silence_before(140, 20), 100);  // frames 40..120 never came
  EXPECT_EQ(filler.stream_offset_ms(), 160);
  EXPECT_EQ(filler.silence_before(160, 20), 0);
}

TEST(MediaGapFillerTest, TheStreamsFirstTimestampCountsAsSilence) {
  MediaGapFiller filler;
  EXPECT_EQ(filler.silence_before(5, 20), 0);     // Twilio's usual first timestamp
  MediaGapFiller late;
  EXPECT_EQ(late.silence_before(400, 20), 400);
}

TEST(MediaGapFillerTest, HugeGapsAreCapped) {
  MediaGapFiller filler;
  filler.silence_before(0, 20);
  EXPECT_EQ(filler.silence_before(600000, 20), MediaGapFiller::kMaxFilledGapMs);
}

TEST(MediaGapFillerTest, BackwardTimestampsKeepTheAudio) {
  MediaGapFiller filler;
  filler.silence_before(0, 20);
  filler.silence_before(20, 20);
  EXPECT_EQ(filler.silence_before(10, 20), 0);
  EXPECT_EQ(filler.stream_offset_ms(), 60);
}

}  // namespace
}  // namespace callagent::telephony
