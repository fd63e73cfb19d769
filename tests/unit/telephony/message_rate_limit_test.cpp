// A stream may send Twilio's rate with room for jitter, never a flood.
#include "host/telephony/message_rate_limit.h"

#include <gtest/gtest.h>

namespace callagent::telephony {
namespace {

using namespace std::chrono_literals;

TEST(MessageRateLimitTest, TwilioSteadyFiftyASecondIsAlwaysAllowed) {
  MessageRateLimit limit(200, 500);
  host::TimePoint now{};
  for (int frame = 0; frame < 50 * 60; ++frame) {  // a minute of media frames
    ASSERT_TRUE(limit.allow(now)) << "frame " << frame;
    now += 20ms;
  }
}

TEST(MessageRateLimitTest, ABunchedSecondFromJitterIsAllowed) {
  MessageRateLimit limit(200, 500);
  const host::TimePoint now{};
  for (int frame = 0; frame < 500; ++frame) ASSERT_TRUE(limit.allow(now)) << "frame " << frame;
}

TEST(MessageRateLimitTest, AFloodIsCutToTheRate) {
  MessageRateLimit limit(200, 500);
  host::TimePoint now{};
  int allowed = 0;
  for (int frame = 0; frame < 10000; ++frame) {  // 10 000 messages in one second
    if (limit.allow(now)) ++allowed;
    now += 100us;
  }
  EXPECT_GE(allowed, 500 + 190);
  EXPECT_LE(allowed, 500 + 201);
}

TEST(MessageRateLimitTest, RefillsAfterAQuietSpell) {
  MessageRateLimit limit(200, 10);
  host::TimePoint now{};
  for (int frame = 0; frame < 10; ++frame) ASSERT_TRUE(limit.allow(now));
  EXPECT_FALSE(limit.allow(now));
  now += 1s;
  for (int frame = 0; frame < 10; ++frame) EXPECT_TRUE(limit.allow(now)) << "refilled, but only up to the burst";
  EXPECT_FALSE(limit.allow(now));
}

}  // namespace
}  // namespace callagent::telephony
