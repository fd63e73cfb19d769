#include "host/runtime/timer_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <vector>

using namespace std::chrono_literals;

namespace callagent::host {
namespace {

std::shared_ptr<Executor> inline_executor() { return std::make_shared<InlineExecutor>(); }

TEST(ManualTimerServiceTest, FiresInDeadlineOrderAtTheRightTimes) {
  ManualTimerService timers;
  auto executor = inline_executor();
  const TimePoint start = timers.time().now();
  std::vector<std::pair<int, Clock::duration>> fired;
  auto record = [&](int id) { return [&, id] { fired.emplace_back(id, timers.time().now() - start); }; };
  timers.schedule_after(300ms, executor, record(3));
  timers.schedule_after(100ms, executor, record(1));
  timers.schedule_after(200ms, executor, record(2));
  timers.advance(150ms);
  ASSERT_EQ(fired.size(), 1U);
  EXPECT_EQ(fired[0].first, 1);
  EXPECT_EQ(fired[0].second, 100ms);
  timers.advance(1s);
  ASSERT_EQ(fired.size(), 3U);
  EXPECT_EQ(fired[1], std::make_pair(2, Clock::duration(200ms)));
  EXPECT_EQ(fired[2], std::make_pair(3, Clock::duration(300ms)));
  EXPECT_EQ(timers.time().now() - start, 1150ms);
}

TEST(ManualTimerServiceTest, CancelledTimersDoNotFire) {
  ManualTimerService timers;
  auto executor = inline_executor();
  bool fired = false;
  const TimerId id = timers.schedule_after(100ms, executor, [&] { fired = true; });
  EXPECT_TRUE(timers.cancel(id));
  EXPECT_FALSE(timers.cancel(id));
  timers.advance(1s);
  EXPECT_FALSE(fired);
}

TEST(ManualTimerServiceTest, ATimerMayScheduleAnotherThatFiresInTheSameAdvance) {
  ManualTimerService timers;
  auto executor = inline_executor();
  int fired = 0;
  timers.schedule_after(100ms, executor, [&] {
    ++fired;
    timers.schedule_after(100ms, executor, [&] { ++fired; });
  });
  timers.advance(250ms);
  EXPECT_EQ(fired, 2);
}

TEST(ManualTimerServiceTest, TimerOfAGoneExecutorDoesNothing) {
  ManualTimerService timers;
  bool fired = false;
  {
    auto executor = inline_executor();
    timers.schedule_after(100ms, executor, [&] { fired = true; });
  }
  timers.advance(1s);
  EXPECT_FALSE(fired);
}

// A timer with slack may fire up to that much after its deadline: the timer thread sleeps
// until the earliest deadline + slack, then fires whatever is due by then, together.
TEST(TimerQueueTest, WakesAtTheEarliestDeadlinePlusSlackAndFiresByDeadline) {
  TimerQueue queue;
  const TimePoint start{};
  const TimerId first = queue.add(start + 20ms, 30ms, {}, [] {});
  queue.add(start + 40ms, 30ms, {}, [] {});
  EXPECT_EQ(queue.next_deadline(), start + 20ms);
  EXPECT_EQ(queue.next_latest(), start + 50ms) << "the first may wait until 50 ms";
  const TimerId exact = queue.add(start + 45ms, 0ms, {}, [] {});
  EXPECT_EQ(queue.next_latest(), start + 45ms) << "a timer without slack sets the wake-up";
  EXPECT_TRUE(queue.remove(exact));
  EXPECT_EQ(queue.next_latest(), start + 50ms);
  // Woken at 50 ms: both are due and fire in deadline order.
  TimerQueue::Due due;
  ASSERT_TRUE(queue.pop_due(start + 50ms, due));
  ASSERT_TRUE(queue.pop_due(start + 50ms, due));
  EXPECT_FALSE(queue.pop_due(start + 50ms, due));
  EXPECT_EQ(queue.next_latest(), TimePoint::max());
  EXPECT_FALSE(queue.remove(first)) << "already fired";
}

TEST(ThreadedTimerServiceTest, FiresAndCancels) {
  ThreadedTimerService timers;
  auto executor = inline_executor();
  std::promise<void> fired;
  std::atomic<bool> cancelled_fired{false};
  const TimerId cancelled = timers.schedule_after(20ms, executor, [&] { cancelled_fired = true; });
  timers.schedule_after(30ms, executor, [&] { fired.set_value(); });
  EXPECT_TRUE(timers.cancel(cancelled));
  EXPECT_EQ(fired.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_FALSE(cancelled_fired.load());
}

TEST(ThreadedTimerServiceTest, AnEarlierTimerWakesTheSleeper) {
  ThreadedTimerService timers;
  auto executor = inline_executor();
  std::promise<void> early;
  timers.schedule_after(1h, executor, [] {});
  timers.schedule_after(10ms, executor, [&] { early.set_value(); });
  EXPECT_EQ(early.get_future().wait_for(5s), std::future_status::ready);
}

}  // namespace
}  // namespace callagent::host
