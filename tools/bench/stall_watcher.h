// Watches for the machine pausing: a thread that asks to sleep 2 ms, over and over, and
// records how late each wake-up is, by minute of the load. On a VM a late wake-up of tens
// of milliseconds with the machine otherwise idle is the hypervisor taking the CPU away
// (this VM shows no steal time in /proc/stat); every live call's audio and turns stall
// with it, so a soak's latency tail and underruns are read beside these counts.
//
// The thread asks for SCHED_FIFO (priority 10) so that the bench's and host's own load
// does not delay it; without the privilege it runs at normal priority, and a late wake-up
// then may also be CPU contention (`realtime` says which).
//
// Threading: start() spawns the watcher, stop() joins it; minutes() after stop().
// Cost: ~500 wake-ups a second, a few microseconds each.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace callagent::bench {

struct StallMinute {
  double worst_late_ms = 0;
  std::int64_t late_over_20ms = 0;
  std::int64_t late_over_50ms = 0;
  std::int64_t wake_ups = 0;
};

class StallWatcher {
 public:
  // Minutes count from `origin` (the load's start).
  explicit StallWatcher(std::chrono::steady_clock::time_point origin);
  ~StallWatcher();
  StallWatcher(const StallWatcher&) = delete;
  StallWatcher& operator=(const StallWatcher&) = delete;

  void start();
  void stop();
  bool realtime() const noexcept { return realtime_; }
  // [0] = the first minute after `origin`; valid after stop().
  const std::vector<StallMinute>& minutes() const noexcept { return minutes_; }

 private:
  void watch();

  const std::chrono::steady_clock::time_point origin_;
  std::atomic<bool> stopping_{false};
  bool realtime_ = false;
  std::vector<StallMinute> minutes_;
  std::thread thread_;
};

}  // namespace callagent::bench
