// One thread that serves many simulated calls at once: it reads their streams' host frames
// (one epoll set) and runs their 20 ms frame ticks and mark returns (timers). Without it
// each SimulatedCall costs two threads that wake 50+ times a second; a load of hundreds
// of calls then spends most of its CPU on context switches, on the same cores as the
// host it measures. With it the load wakes about once per `timer_slack` per driver.
//
// Timers fire late by up to `timer_slack`, never early: the thread sleeps until the
// earliest deadline + slack and then runs everything due, so calls whose ticks fall within
// one slack share a wake-up. The caller's frames keep their own 20 ms cadence; each is sent
// at most the slack late, and the simulator stamps every event with the time it really
// happened, so latencies stay exact.
//
// Threading: every method is thread-safe. Callbacks run on the driver's thread, one at a
// time. unwatch()/remove_timer() wait until the callback they remove is not running (unless
// called from the driver's thread, e.g. from that callback), so after they return the
// callback's captures may be destroyed. Callbacks should be quick and must not block:
// every call on this driver waits behind them.
//
// Lifetime: destroy the driver only after every watch and timer has been removed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

namespace callagent::callsim {

class CallDriver {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using WatchId = std::uint64_t;
  using TimerId = std::uint64_t;
  // Runs what is due at `now`; returns when to run next, or nullopt to end the timer.
  using TimerCallback = std::function<std::optional<TimePoint>(TimePoint now)>;

  // `thread_name`: at most 15 characters (Linux), shown in top -H and /proc.
  CallDriver(std::string thread_name, std::chrono::microseconds timer_slack);
  ~CallDriver();
  CallDriver(const CallDriver&) = delete;
  CallDriver& operator=(const CallDriver&) = delete;

  // Calls `on_readable` whenever `fd` has data (or has closed), until unwatch().
  WatchId watch(int fd, std::function<void()> on_readable);
  void unwatch(WatchId id);

  // Runs `on_due` at `first_due` (+ up to the slack), then at whatever time it returns.
  TimerId add_timer(TimePoint first_due, TimerCallback on_due);
  // Runs the timer no later than `due` (+ slack); a later time than already set is ignored.
  void run_timer_by(TimerId id, TimePoint due);
  void remove_timer(TimerId id);

  bool on_driver_thread() const noexcept;

 private:
  struct Watch {
    int fd = -1;
    std::function<void()> on_readable;
  };
  struct Timer {
    TimePoint due;
    TimerCallback on_due;
    std::multimap<TimePoint, TimerId>::iterator position;
  };

  void loop();
  void wake_loop();
  // Waits (lock held) until neither `watch` nor `timer` runs a callback right now.
  void wait_idle_locked(std::unique_lock<std::mutex>& lock, WatchId watch, TimerId timer);
  void schedule_locked(TimerId id, Timer& timer, TimePoint due);

  const std::chrono::microseconds timer_slack_;
  const int epoll_fd_;
  const int wake_fd_;  // eventfd in the epoll set: a timer moved earlier, or stopping

  mutable std::mutex mutex_;
  std::condition_variable callback_done_;
  bool stopping_ = false;
  std::uint64_t next_id_ = 1;
  std::unordered_map<WatchId, Watch> watches_;
  std::unordered_map<TimerId, Timer> timers_;
  std::multimap<TimePoint, TimerId> deadlines_;
  WatchId running_watch_ = 0;  // the callback running now, 0 for none
  TimerId running_timer_ = 0;

  std::thread thread_;
};

}  // namespace callagent::callsim
