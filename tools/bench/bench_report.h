// The benchmark's results — what was run, on what machine, and what was measured — as a
// human table and as the JSON report (--json). The JSON's field names are the contract the
// bench_smoke test checks and BENCHMARKS.md quotes.
//
// Threading: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/bench/bench_options.h"
#include "tools/bench/call_load.h"
#include "tools/bench/proc_stats.h"
#include "tools/bench/resource_sampler.h"
#include "tools/bench/stall_watcher.h"
#include "tools/bench/host_histograms.h"
#include "tools/bench/machine_probe.h"
#include "tools/bench/turn_metrics.h"
#include "tools/bench/vendor_farm.h"

namespace callagent::bench {

// CPU and memory over the measured window (ramp end → deadline: every slot busy).
struct WindowUsage {
  double window_seconds = 0;
  double call_seconds = 0;          // live calls integrated over the window
  double host_cpu_seconds = 0;
  double bench_cpu_seconds = 0;
  double other_cpu_seconds = 0;     // the rest of the machine: other processes (shared machine)
  double host_idle_cpu_ms_per_second = 0;  // the host with no call: its fixed cost
  std::int64_t host_rss_idle_kb = 0;    // after start-up and warm-up, before any call
  std::int64_t host_rss_loaded_kb = 0;  // at the window's end, all calls live
  std::int64_t host_rss_peak_kb = 0;
  std::int64_t host_rss_after_kb = 0;   // after every call ended (and a short settle)
  // Host CPU seconds in the window by thread name (threads alive at its end; "(exited
  // threads)" is the rest).
  std::map<std::string, double> host_thread_cpu_seconds;
};

struct BenchReport {
  BenchOptions options;
  MachineInfo machine;
  std::optional<MachineSpeed> speed;  // measured before the host starts
  double load_average_before = 0;
  double load_average_after = 0;
  int vendor_connection_limit = 0;  // connections each mock vendor accepts at once
  std::int64_t deepgram_audio_messages = 0;  // audio messages the Deepgram mock got in the window
  int host_pid = 0;
  std::string host_exit;  // "0", "killed", …
  LoadResults load;
  // The machine's pauses by minute of the load (a 2 ms sleeper's late wake-ups).
  std::vector<StallMinute> stall_minutes;
  bool stall_watch_realtime = false;  // the watcher ran SCHED_FIFO
  WindowUsage usage;
  std::vector<ResourceSample> samples;
  TurnStageSamples turn_stages;
  // The host's own barge-in reaction (speech event at the call → clear sent), from /metrics.
  HostHistogram host_barge_in_reaction;
};

nlohmann::json report_json(const BenchReport& report);
std::string report_text(const BenchReport& report);

}  // namespace callagent::bench
