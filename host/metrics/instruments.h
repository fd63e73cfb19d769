// Counter and gauge: one atomic each, updated from any thread without locks or allocation.
//
// Ownership: created and owned by a metrics::Registry family; callers keep references,
// which stay valid for the registry's lifetime. Threading: every method is thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

namespace callagent::metrics {

// Monotonic count of events (Prometheus "counter").
class Counter {
 public:
  void increment(std::uint64_t by = 1) noexcept { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (Prometheus "gauge").
class Gauge {
 public:
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void add(double delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

}  // namespace callagent::metrics
