// Reading the process's CPU time and resident memory from /proc/self.
#include <gtest/gtest.h>

#include "host/metrics/process_metrics.h"

namespace callagent::metrics {
namespace {

TEST(ProcessMetricsTest, CpuSecondsAreUtimePlusStimeInClockTicks) {
  // The command name may hold spaces and parentheses: fields count from the last ')'.
  const std::string stat =
      "4242 (call agent (x)) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 150 0 0 20 0 12 0 100 1000000 2000\n";
  const auto seconds = cpu_seconds_from_stat(stat, 100);
  ASSERT_TRUE(seconds);
  EXPECT_DOUBLE_EQ(*seconds, 4.0);
  EXPECT_FALSE(cpu_seconds_from_stat("garbage", 100));
  EXPECT_FALSE(cpu_seconds_from_stat("1 (x) S 1", 100));
}

TEST(ProcessMetricsTest, ResidentBytesAreResidentPagesTimesPageSize) {
  const auto bytes = resident_bytes_from_statm("5000 1200 300 10 0 800 0\n", 4096);
  ASSERT_TRUE(bytes);
  EXPECT_DOUBLE_EQ(*bytes, 1200.0 * 4096.0);
  EXPECT_FALSE(resident_bytes_from_statm("", 4096));
}

TEST(ProcessMetricsTest, ThisProcessHasCpuTimeAndMemory) {
  const auto sample = read_process_sample();
  ASSERT_TRUE(sample);
  EXPECT_GT(sample->resident_memory_bytes, 0.0);
  EXPECT_GE(sample->cpu_seconds, 0.0);

  Registry registry;
  register_process_metrics(registry);
  const std::string text = registry.render();
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total "), std::string::npos);
  EXPECT_NE(text.find("# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes "),
            std::string::npos);
}

}  // namespace
}  // namespace callagent::metrics
