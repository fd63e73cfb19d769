// The Twilio-facing counters and capacity as /metrics shows them, read at scrape time.
#include "host/telephony/telephony_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "host/twilio/media_stream_messages.h"

namespace callagent::telephony {
namespace {

using ::testing::HasSubstr;

TEST(TelephonyMetricsTest, ScrapesShowTheCountersAndCapacityAsTheyAreNow) {
  host::ManualClock clock;
  TelephonyCounters counters;
  CallCapacity capacity(2, clock);
  metrics::Registry registry;
  register_telephony_metrics(registry, counters, capacity);

  std::string text = registry.render();
  EXPECT_THAT(text, HasSubstr("# TYPE callagent_webhooks_total counter\n"
                              "callagent_webhooks_total{outcome=\"answered\"} 0\n"
                              "callagent_webhooks_total{outcome=\"busy\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("callagent_max_calls 2\n"));
  EXPECT_THAT(text, HasSubstr("callagent_draining 0\n"));

  ++counters.webhooks_busy;
  counters.frames_received += 150;
  ++counters.bad_frames[static_cast<std::size_t>(twilio::FrameProblem::bad_base64)];
  ++counters.bad_frames[kOversizedFrameSlot];
  ASSERT_TRUE(capacity.reserve("a"));
  ASSERT_TRUE(capacity.attach("a"));
  ASSERT_TRUE(capacity.reserve("b"));
  capacity.close_for_new_calls();

  text = registry.render();
  EXPECT_THAT(text, HasSubstr("callagent_webhooks_total{outcome=\"busy\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("callagent_websocket_frames_received_total 150\n"));
  EXPECT_THAT(text, HasSubstr("callagent_websocket_bad_frames_total{problem=\"bad_base64\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("callagent_websocket_bad_frames_total{problem=\"too_large\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("callagent_active_calls 1\n"));
  EXPECT_THAT(text, HasSubstr("callagent_reserved_calls 1\n"));
  EXPECT_THAT(text, HasSubstr("callagent_draining 1\n"));
}

}  // namespace
}  // namespace callagent::telephony
