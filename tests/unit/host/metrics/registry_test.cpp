// The registry's text exposition, exactly as Prometheus reads it (format 0.0.4).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include "host/metrics/exposition.h"
#include "host/metrics/registry.h"

namespace callagent::metrics {
namespace {

constexpr std::array<double, 3> kBounds{5, 10, 25};

TEST(RegistryTest, RendersASmallRegistryExactly) {
  Registry registry;
  auto& requests = registry.counter_family("test_requests_total", "Requests by route.\nSecond line: a \\ here.",
                                           {"route", "method"});
  requests.labels({"/b\"q\"\n\\", "POST"}).increment();
  requests.labels({"/a", "GET"}).increment(3);
  registry.gauge("test_temperature_celsius", "Temperature.").set(-1.5);
  auto& latency = registry.histogram_family("test_latency_milliseconds", "Latency.", {"stage"}, kBounds);
  Histogram& stt = latency.labels({"stt"});
  stt.observe(5);  // bounds are inclusive ("le")
  stt.observe(7.5);
  stt.observe(100);
  registry.add_callback("test_frames_total", "Frames.", MetricType::counter, {},
                        [] { return std::vector<Sample>{{{}, 42}}; });
  registry.counter_family("test_unused_total", "Never used.", {"plugin"});

  EXPECT_EQ(registry.render(),
            "# HELP test_requests_total Requests by route.\\nSecond line: a \\\\ here.\n"
            "# TYPE test_requests_total counter\n"
            "test_requests_total{route=\"/a\",method=\"GET\"} 3\n"
            "test_requests_total{route=\"/b\\\"q\\\"\\n\\\\\",method=\"POST\"} 1\n"
            "# HELP test_temperature_celsius Temperature.\n"
            "# TYPE test_temperature_celsius gauge\n"
            "test_temperature_celsius -1.5\n"
            "# HELP test_latency_milliseconds Latency.\n"
            "# TYPE test_latency_milliseconds histogram\n"
            "test_latency_milliseconds_bucket{stage=\"stt\",le=\"5\"} 1\n"
            "test_latency_milliseconds_bucket{stage=\"stt\",le=\"10\"} 2\n"
            "test_latency_milliseconds_bucket{stage=\"stt\",le=\"25\"} 2\n"
            "test_latency_milliseconds_bucket{stage=\"stt\",le=\"+Inf\"} 3\n"
            "test_latency_milliseconds_sum{stage=\"stt\"} 112.5\n"
            "test_latency_milliseconds_count{stage=\"stt\"} 3\n"
            "# HELP test_frames_total Frames.\n"
            "# TYPE test_frames_total counter\n"
            "test_frames_total 42\n"
            "# HELP test_unused_total Never used.\n"
            "# TYPE test_unused_total counter\n");
}

TEST(RegistryTest, UnlabelledHistogramHasOnlyLeLabels) {
  Registry registry;
  Histogram& histogram = registry.histogram("test_ms", "H.", kBounds);
  histogram.observe(30);
  EXPECT_EQ(registry.render(),
            "# HELP test_ms H.\n# TYPE test_ms histogram\n"
            "test_ms_bucket{le=\"5\"} 0\ntest_ms_bucket{le=\"10\"} 0\ntest_ms_bucket{le=\"25\"} 0\n"
            "test_ms_bucket{le=\"+Inf\"} 1\ntest_ms_sum 30\ntest_ms_count 1\n");
}

TEST(RegistryTest, LabelsReturnTheSameChildForTheSameValues) {
  Registry registry;
  auto& family = registry.counter_family("test_total", "T.", {"a"});
  Counter& first = family.labels({"x"});
  EXPECT_EQ(&first, &family.labels({"x"}));
  const std::array<std::string_view, 1> values{"x"};
  EXPECT_EQ(family.find(values), &first);
  const std::array<std::string_view, 1> other{"y"};
  EXPECT_EQ(family.find(other), nullptr);
  EXPECT_EQ(family.size(), 1U);
}

TEST(RegistryTest, RefusesMalformedRegistrations) {
  Registry registry;
  registry.counter("test_total", "T.");
  EXPECT_THROW(registry.counter("test_total", "Again."), std::invalid_argument);
  EXPECT_THROW(registry.counter("9starts_with_digit", "T."), std::invalid_argument);
  EXPECT_THROW(registry.counter_family("test_bad_label_total", "T.", {"has-dash"}), std::invalid_argument);
  EXPECT_THROW(registry.histogram_family("test_le_ms", "T.", {"le"}, kBounds), std::invalid_argument);
  const std::array<double, 2> unsorted{10, 5};
  EXPECT_THROW(registry.histogram("test_unsorted_ms", "T.", unsorted), std::invalid_argument);
  auto& family = registry.counter_family("test_two_total", "T.", {"a", "b"});
  EXPECT_THROW(family.labels({"only one"}), std::invalid_argument);
}

TEST(ExpositionTest, NumbersAsPrometheusSpellsThem) {
  std::string out;
  append_number(out, std::numeric_limits<double>::infinity());
  out += ' ';
  append_number(out, -std::numeric_limits<double>::infinity());
  out += ' ';
  append_number(out, std::nan(""));
  out += ' ';
  append_number(out, 0.25);
  out += ' ';
  append_number(out, 2500.0);
  out += ' ';
  append_number(out, std::uint64_t{18446744073709551615ULL});
  EXPECT_EQ(out, "+Inf -Inf NaN 0.25 2500 18446744073709551615");
}

TEST(HistogramTest, ConcurrentObservationsAreAllCounted) {
  Registry registry;
  Histogram& histogram = registry.histogram("test_ms", "H.", kLatencyBucketsMs);
  Counter& counter = registry.counter("test_total", "C.");
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&] {
      for (int index = 0; index < 10000; ++index) {
        histogram.observe(static_cast<double>(index % 20));
        counter.increment();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.cumulative_counts.back(), 40000U);
  EXPECT_EQ(snapshot.cumulative_counts.front(), 4U * 10000U * 6U / 20U);  // 0..5 are ≤ 5
  EXPECT_DOUBLE_EQ(snapshot.sum, 4.0 * 500.0 * 190.0);
  EXPECT_EQ(counter.value(), 40000U);
}

}  // namespace
}  // namespace callagent::metrics
