// One-shot timers that hand a task to an executor (normally a call's strand) when due:
// idle checks, endpointing fallbacks, max call duration, outbound audio pacing. The task
// goes through Executor::dispatch, so an idle strand runs it on the timer's own thread
// (strand tasks never block); a busy one queues it.
//
// A timer may carry a slack: it may fire up to that much after its deadline. The timer
// thread sleeps until the earliest deadline + slack and then fires everything due, so timers
// that need no precision (the outbound audio's pacing, 12 a second per speaking call, with
// 160 ms of audio ahead to absorb it) share wake-ups instead of costing one each.
//
// Threading: every method is thread-safe. Lifetime: the service holds only a weak
// reference to each target executor, so a timer of a call that has ended does nothing.
// A timer cancelled while its task is already queued may still run: tasks that care
// compare a generation number kept in the call's state.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "host/runtime/clock.h"
#include "host/runtime/executor.h"

namespace callagent::host {

using TimerId = std::uint64_t;

class TimerService {
 public:
  virtual ~TimerService() = default;
  // Fires at `deadline`, or up to `slack` later.
  virtual TimerId schedule_at(TimePoint deadline, Clock::duration slack, std::weak_ptr<Executor> target,
                              Task task) = 0;
  TimerId schedule_at(TimePoint deadline, std::weak_ptr<Executor> target, Task task) {
    return schedule_at(deadline, Clock::duration::zero(), std::move(target), std::move(task));
  }
  // False when the timer already fired, was cancelled, or never existed.
  virtual bool cancel(TimerId id) = 0;
  virtual const TimeSource& time() const noexcept = 0;

  TimerId schedule_after(Clock::duration delay, std::weak_ptr<Executor> target, Task task) {
    return schedule_at(time().now() + delay, std::move(target), std::move(task));
  }
};

// Shared state of the implementations: deadlines ordered, cancellable by id.
class TimerQueue {
 public:
  struct Due {
    std::weak_ptr<Executor> target;
    Task task;
  };
  TimerId add(TimePoint deadline, Clock::duration slack, std::weak_ptr<Executor> target, Task task);
  bool remove(TimerId id);
  // Removes and returns the earliest timer due at or before `now`, if any.
  bool pop_due(TimePoint now, Due& due);
  // The earliest deadline, or TimePoint::max() when empty.
  TimePoint next_deadline() const;
  // When a timer must fire at the latest: the earliest deadline + slack, or
  // TimePoint::max() when empty.
  TimePoint next_latest() const;
  std::size_t size() const noexcept { return by_deadline_.size(); }

 private:
  struct Entry {
    TimerId id;
    std::multimap<TimePoint, TimerId>::iterator latest;
    std::weak_ptr<Executor> target;
    Task task;
  };
  void erase(std::multimap<TimePoint, Entry>::iterator entry);

  std::multimap<TimePoint, Entry> by_deadline_;
  std::multimap<TimePoint, TimerId> by_latest_;  // deadline + slack
  std::unordered_map<TimerId, std::multimap<TimePoint, Entry>::iterator> by_id_;
  TimerId next_id_ = 1;
};

// Production timers: one thread sleeping until the next deadline.
class ThreadedTimerService final : public TimerService {
 public:
  ThreadedTimerService();
  ~ThreadedTimerService() override;
  ThreadedTimerService(const ThreadedTimerService&) = delete;
  ThreadedTimerService& operator=(const ThreadedTimerService&) = delete;

  using TimerService::schedule_at;
  TimerId schedule_at(TimePoint deadline, Clock::duration slack, std::weak_ptr<Executor> target,
                      Task task) override;
  bool cancel(TimerId id) override;
  const TimeSource& time() const noexcept override { return clock_; }
  // Drops pending timers and joins the thread. Idempotent.
  void stop();

 private:
  void run();

  SteadyTimeSource clock_;
  std::mutex mutex_;
  std::condition_variable changed_;
  TimerQueue queue_;
  bool stopping_ = false;
  std::thread thread_;
};

// Test timers: time moves only through advance(), which fires due timers in deadline
// order on the calling thread (posting to their targets), each at its deadline (slack unused).
class ManualTimerService final : public TimerService {
 public:
  using TimerService::schedule_at;
  TimerId schedule_at(TimePoint deadline, Clock::duration slack, std::weak_ptr<Executor> target,
                      Task task) override;
  bool cancel(TimerId id) override;
  const TimeSource& time() const noexcept override { return clock_; }

  // Moves the clock forward by `step`, stopping at each deadline on the way to fire it.
  void advance(Clock::duration step);
  std::size_t pending() const;
  ManualClock& clock() noexcept { return clock_; }

 private:
  ManualClock clock_;
  mutable std::mutex mutex_;
  TimerQueue queue_;
};

}  // namespace callagent::host
