// Time as the pipeline sees it. Production uses the steady clock; tests inject a
// ManualClock and move time by hand, so idle checks, endpointing and pacing are tested
// without sleeping.
#pragma once

#include <atomic>
#include <chrono>

namespace callagent::host {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Milliseconds = std::chrono::milliseconds;

// Thread-safe.
class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual TimePoint now() const noexcept = 0;
};

class SteadyTimeSource final : public TimeSource {
 public:
  TimePoint now() const noexcept override { return Clock::now(); }
};

// Starts at an arbitrary fixed point and moves only when told. Thread-safe.
class ManualClock final : public TimeSource {
 public:
  TimePoint now() const noexcept override {
    return TimePoint(Clock::duration(ticks_.load(std::memory_order_acquire)));
  }
  void advance(Clock::duration step) noexcept {
    ticks_.fetch_add(step.count(), std::memory_order_acq_rel);
  }

 private:
  std::atomic<Clock::rep> ticks_{std::chrono::duration_cast<Clock::duration>(std::chrono::hours(1)).count()};
};

}  // namespace callagent::host
