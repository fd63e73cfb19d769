// The outage policy on a hand-moved clock: fail fast during the backoff, one probe after
// it, doubling up to the maximum, one line at the start and one at the end.
#include "plugins/state/redis/outage_tracker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/recording_logger.h"

using namespace std::chrono_literals;

namespace callagent::plugins::redis {
namespace {

using ::testing::HasSubstr;

class RedisOutageTrackerTest : public ::testing::Test {
 protected:
  OutageTracker::TimePoint now_{std::chrono::hours(1)};
  callagent::testing::RecordingLogger logger_;
  OutageTracker tracker_{"10.0.0.1:6379", 100ms, 400ms, logger_, [this] { return now_; }};

  void SetUp() override { tracker_.finish_start_up(); }

  // The next operation: refused (false) or let through as the probe (true).
  bool admitted_as_probe() {
    const auto admission = tracker_.admit();
    EXPECT_EQ(admission.probe, admission.refusal.is_ok());
    return admission.probe;
  }
};

TEST_F(RedisOutageTrackerTest, LetsEverythingThroughWithoutAnOutage) {
  const auto admission = tracker_.admit();
  EXPECT_TRUE(admission.refusal.is_ok());
  EXPECT_FALSE(admission.probe);
  tracker_.connect_succeeded();
  EXPECT_TRUE(logger_.lines().empty());
  EXPECT_EQ(tracker_.outage_failures(), 0u);
}

TEST_F(RedisOutageTrackerTest, FailsFastDuringTheBackoffWithTheReasonAndTheTimeLeft) {
  const Status first = tracker_.connect_failed("Connection refused", false);
  EXPECT_EQ(first.code(), ErrorCode::unavailable);
  EXPECT_EQ(first.message(), "redis at 10.0.0.1:6379 is unreachable: Connection refused; retrying in 100 ms");
  now_ += 30ms;
  const auto admission = tracker_.admit();
  EXPECT_FALSE(admission.probe);
  EXPECT_EQ(admission.refusal.code(), ErrorCode::unavailable);
  EXPECT_EQ(admission.refusal.message(),
            "redis at 10.0.0.1:6379 is unreachable: Connection refused; retrying in 70 ms");
  EXPECT_EQ(tracker_.outage_failures(), 2u);
}

TEST_F(RedisOutageTrackerTest, LetsOneProbeThroughAfterTheBackoffAndDoublesItUpToTheMaximum) {
  tracker_.connect_failed("Connection refused", false);
  std::vector<long> backoffs;
  for (int retry = 0; retry < 4; ++retry) {
    auto waited = 0ms;
    while (!admitted_as_probe() && waited < 10s) {
      now_ += 10ms;
      waited += 10ms;
    }
    backoffs.push_back(waited.count());
    EXPECT_FALSE(admitted_as_probe()) << "only one probe at a time";
    tracker_.connect_failed("Connection refused", true);
  }
  EXPECT_EQ(backoffs, (std::vector<long>{100, 200, 400, 400}));
}

TEST_F(RedisOutageTrackerTest, LogsTheOutageOnceAndTheRecoveryOnceWithItsLengthAndFailures) {
  tracker_.connect_failed("Connection refused", false);
  tracker_.connect_failed("Connection refused", false);  // a concurrent connect
  for (int i = 0; i < 5; ++i) admitted_as_probe();
  now_ += 2500ms;
  ASSERT_TRUE(admitted_as_probe());
  tracker_.connect_succeeded();
  EXPECT_FALSE(tracker_.in_outage());

  ASSERT_EQ(logger_.lines().size(), 2u);
  EXPECT_EQ(logger_.count(LogLevel::error, "redis at 10.0.0.1:6379 is unreachable: Connection refused"), 1u);
  EXPECT_EQ(logger_.count(LogLevel::info,
                          "redis at 10.0.0.1:6379 reachable again after 2.5 s, 7 operations failed meanwhile"),
            1u);
  EXPECT_EQ(tracker_.outage_failures(), 7u);

  // A second outage starts from the initial backoff again, and the total keeps counting.
  const Status again = tracker_.connect_failed("Connection refused", false);
  EXPECT_THAT(again.message(), HasSubstr("retrying in 100 ms"));
  EXPECT_EQ(tracker_.outage_failures(), 8u);
  EXPECT_EQ(logger_.count(LogLevel::error, "is unreachable"), 2u);
}

TEST_F(RedisOutageTrackerTest, AnAbandonedProbeLetsTheNextOperationProbe) {
  tracker_.connect_failed("Connection refused", false);
  now_ += 100ms;
  ASSERT_TRUE(admitted_as_probe());
  tracker_.probe_abandoned();
  EXPECT_TRUE(admitted_as_probe());
}

TEST(RedisOutageTrackerStartUpTest, AnOutageFoundAtStartUpIsOneWarning) {
  callagent::testing::RecordingLogger logger;
  OutageTracker tracker("h:1", 100ms, 400ms, logger);
  tracker.connect_failed("Connection refused", false);
  tracker.finish_start_up();
  ASSERT_EQ(logger.lines().size(), 1u);
  EXPECT_EQ(logger.count(LogLevel::warn, "redis at h:1 is unreachable at start-up: Connection refused; starting anyway"), 1u);
}

}  // namespace
}  // namespace callagent::plugins::redis
