#include "host/telephony/call_capacity.h"

#include <gtest/gtest.h>

namespace callagent::telephony {
namespace {

TEST(CallCapacityTest, WebhookReservationsCountAgainstTheLimit) {
  host::ManualClock clock;
  CallCapacity capacity(2, clock);
  EXPECT_TRUE(capacity.reserve("a"));
  EXPECT_TRUE(capacity.reserve("b"));
  EXPECT_FALSE(capacity.reserve("c"));
  EXPECT_TRUE(capacity.attach("a"));  // its own reservation
  EXPECT_EQ(capacity.live_calls(), 1U);
  EXPECT_EQ(capacity.reserved_calls(), 1U);
  EXPECT_FALSE(capacity.attach("stranger"));  // no reservation and no room
}

TEST(CallCapacityTest, ReservationsLapseWhenNoStreamFollows) {
  host::ManualClock clock;
  CallCapacity capacity(1, clock, std::chrono::seconds(60));
  EXPECT_TRUE(capacity.reserve("a"));
  EXPECT_FALSE(capacity.reserve("b"));
  clock.advance(std::chrono::seconds(61));
  EXPECT_TRUE(capacity.reserve("b"));
}

TEST(CallCapacityTest, ReleaseFreesASlotAndDrainRefusesNewCalls) {
  host::ManualClock clock;
  CallCapacity capacity(1, clock);
  EXPECT_TRUE(capacity.attach("a"));
  EXPECT_FALSE(capacity.reserve("b"));
  capacity.release();
  EXPECT_TRUE(capacity.reserve("b"));
  capacity.close_for_new_calls();
  EXPECT_FALSE(capacity.reserve("c"));
  EXPECT_TRUE(capacity.attach("b")) << "a call answered before the drain still connects";
}

}  // namespace
}  // namespace callagent::telephony
