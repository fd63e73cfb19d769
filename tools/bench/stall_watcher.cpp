#include "tools/bench/stall_watcher.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>

namespace callagent::bench {
namespace {
constexpr std::chrono::milliseconds kSleep{2};
constexpr int kRealtimePriority = 10;
}  // namespace

StallWatcher::StallWatcher(std::chrono::steady_clock::time_point origin) : origin_(origin) {}

StallWatcher::~StallWatcher() { stop(); }

void StallWatcher::start() {
  stopping_ = false;
  thread_ = std::thread([this] { watch(); });
}

void StallWatcher::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void StallWatcher::watch() {
  sched_param param{};
  param.sched_priority = kRealtimePriority;
  realtime_ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
  using Clock = std::chrono::steady_clock;
  while (!stopping_) {
    const Clock::time_point asked_at = Clock::now();
    std::this_thread::sleep_for(kSleep);
    const Clock::time_point woke_at = Clock::now();
    if (woke_at < origin_) continue;
    const double late_ms = std::chrono::duration<double, std::milli>(woke_at - asked_at - kSleep).count();
    const auto minute = static_cast<std::size_t>(std::chrono::duration_cast<std::chrono::minutes>(woke_at - origin_).count());
    if (minutes_.size() <= minute) minutes_.resize(minute + 1);
    StallMinute& bucket = minutes_[minute];
    ++bucket.wake_ups;
    bucket.worst_late_ms = std::max(bucket.worst_late_ms, late_ms);
    if (late_ms > 20) ++bucket.late_over_20ms;
    if (late_ms > 50) ++bucket.late_over_50ms;
  }
}

}  // namespace callagent::bench
