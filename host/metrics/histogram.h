// A histogram with fixed bucket bounds (Prometheus "histogram"): observe() is a short
// scan over the bounds and two relaxed atomic adds — no lock, no allocation.
//
// Ownership: created and owned by a metrics::Registry family, which also owns the bounds
// the histogram points at. Threading: observe() and snapshot() from any thread; a
// snapshot taken during observations may see a sum and counts a few events apart.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace callagent::metrics {

// Upper bounds (inclusive, "le") suited to latencies in milliseconds.
inline constexpr std::array<double, 11> kLatencyBucketsMs{5,   10,   25,   50,   100,  250,
                                                          500, 1000, 2500, 5000, 10000};

class Histogram {
 public:
  struct Snapshot {
    std::vector<std::uint64_t> cumulative_counts;  // one per bound, then +Inf (== count)
    double sum = 0.0;
  };

  // `upper_bounds` must be sorted ascending and outlive the histogram.
  explicit Histogram(std::span<const double> upper_bounds);

  void observe(double value) noexcept;
  Snapshot snapshot() const;
  std::span<const double> upper_bounds() const noexcept { return upper_bounds_; }

 private:
  std::span<const double> upper_bounds_;
  // Per-bucket (not cumulative) counts; the last slot is +Inf.
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0.0};
};

}  // namespace callagent::metrics
