#include "host/telephony/bad_frame_policy.h"

#include <gtest/gtest.h>

namespace callagent::telephony {
namespace {

TEST(BadFramePolicyTest, ClosesOnlyWhenTheWindowOverflows) {
  host::ManualClock clock;
  BadFramePolicy policy(3, std::chrono::seconds(10));
  EXPECT_FALSE(policy.record_bad_frame(clock.now()));
  EXPECT_FALSE(policy.record_bad_frame(clock.now()));
  EXPECT_FALSE(policy.record_bad_frame(clock.now()));
  EXPECT_TRUE(policy.record_bad_frame(clock.now()));
}

TEST(BadFramePolicyTest, OldBadFramesAgeOut) {
  host::ManualClock clock;
  BadFramePolicy policy(2, std::chrono::seconds(10));
  for (int frame = 0; frame < 20; ++frame) {
    EXPECT_FALSE(policy.record_bad_frame(clock.now())) << frame;
    clock.advance(std::chrono::seconds(6));
  }
}

}  // namespace
}  // namespace callagent::telephony
