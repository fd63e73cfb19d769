// The process's own CPU time and resident memory, read from /proc/self at scrape time:
// process_cpu_seconds_total, process_resident_memory_bytes (the names Prometheus client
// libraries use), plus what the CPU alert needs:
// callagent_cpu_cores (cores this host may use, to turn CPU seconds into a utilisation).
//
// Threading: the callbacks run on the scraping thread; they only read /proc files.
#pragma once

#include <optional>
#include <string_view>

#include "host/metrics/registry.h"

namespace callagent::metrics {

struct ProcessSample {
  double cpu_seconds = 0.0;          // user + system
  double resident_memory_bytes = 0.0;
};

// Parses /proc/<pid>/stat's text (utime and stime are fields 14 and 15, after the
// parenthesised command name, which may itself hold spaces and parentheses).
std::optional<double> cpu_seconds_from_stat(std::string_view stat_text, long clock_ticks_per_second);
// Parses /proc/<pid>/statm's text (the second field is resident pages).
std::optional<double> resident_bytes_from_statm(std::string_view statm_text, long page_size_bytes);

std::optional<ProcessSample> read_process_sample();

void register_process_metrics(Registry& registry);

}  // namespace callagent::metrics
