#include "host/metrics/process_metrics.h"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>

namespace callagent::metrics {
namespace {

std::optional<std::string> read_small_file(const char* path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return text;
}

// The `index`-th whitespace-separated field of `text` (0-based).
std::optional<std::string_view> field(std::string_view text, std::size_t index) {
  std::size_t position = 0;
  for (std::size_t current = 0;; ++current) {
    position = text.find_first_not_of(" \n", position);
    if (position == std::string_view::npos) return std::nullopt;
    const std::size_t end = std::min(text.find_first_of(" \n", position), text.size());
    if (current == index) return text.substr(position, end - position);
    position = end;
  }
}

std::optional<double> parse_integer(std::optional<std::string_view> text) {
  if (!text) return std::nullopt;
  unsigned long long value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return static_cast<double>(value);
}

}  // namespace

std::optional<double> cpu_seconds_from_stat(std::string_view stat_text, long clock_ticks_per_second) {
  const std::size_t close = stat_text.rfind(')');
  if (close == std::string_view::npos || clock_ticks_per_second <= 0) return std::nullopt;
  // After "pid (comm)": state is field 3, so utime (14) and stime (15) are the 11th and
  // 12th fields of the rest.
  const std::string_view rest = stat_text.substr(close + 1);
  const auto utime = parse_integer(field(rest, 11));
  const auto stime = parse_integer(field(rest, 12));
  if (!utime || !stime) return std::nullopt;
  return (*utime + *stime) / static_cast<double>(clock_ticks_per_second);
}

std::optional<double> resident_bytes_from_statm(std::string_view statm_text, long page_size_bytes) {
  const auto pages = parse_integer(field(statm_text, 1));
  if (!pages || page_size_bytes <= 0) return std::nullopt;
  return *pages * static_cast<double>(page_size_bytes);
}

std::optional<ProcessSample> read_process_sample() {
  const auto stat = read_small_file("/proc/self/stat");
  const auto statm = read_small_file("/proc/self/statm");
  if (!stat || !statm) return std::nullopt;
  const auto cpu = cpu_seconds_from_stat(*stat, sysconf(_SC_CLK_TCK));
  const auto rss = resident_bytes_from_statm(*statm, sysconf(_SC_PAGESIZE));
  if (!cpu || !rss) return std::nullopt;
  return ProcessSample{*cpu, *rss};
}

void register_process_metrics(Registry& registry) {
  registry.add_callback("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                        MetricType::counter, {}, [] {
                          const auto sample = read_process_sample();
                          return sample ? std::vector<Sample>{{{}, sample->cpu_seconds}} : std::vector<Sample>{};
                        });
  registry.add_callback("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::gauge, {},
                        [] {
                          const auto sample = read_process_sample();
                          return sample ? std::vector<Sample>{{{}, sample->resident_memory_bytes}}
                                        : std::vector<Sample>{};
                        });
  const double cores = static_cast<double>(std::max(1U, std::thread::hardware_concurrency()));
  registry.add_callback("callagent_cpu_cores",
                        "CPU cores this process may use (to turn process_cpu_seconds_total into a utilisation).",
                        MetricType::gauge, {}, [cores] { return std::vector<Sample>{{{}, cores}}; });
}

}  // namespace callagent::metrics
