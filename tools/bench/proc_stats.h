// Reads what Linux's /proc says about a process and the machine: CPU time (utime + stime),
// resident memory (VmRSS), per-thread CPU by thread name, and the machine's description.
//
// Threading: pure reads of /proc; safe from any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace callagent::bench {

struct ProcessUsage {
  double cpu_seconds = 0;     // utime + stime, all threads, since the process started
  std::int64_t rss_kb = 0;    // VmRSS
  int threads = 0;
};

// Empty when the process is gone. pid 0 reads the calling process.
std::optional<ProcessUsage> read_process_usage(pid_t pid);

// CPU seconds (utime + stime) of each live thread, summed by thread name (comm), e.g.
// {"callagent": 1.2, "http-3": 0.4}. Threads that exited are not in it.
std::map<std::string, double> read_thread_cpu_by_name(pid_t pid);

struct MachineInfo {
  int cpus = 0;                  // online CPUs (nproc)
  std::string cpu_model;         // /proc/cpuinfo "model name"
  std::int64_t memory_total_kb = 0;
  std::string kernel;            // uname -srm
  double load_average_1m = 0;
};

MachineInfo read_machine_info();

// CPU seconds the whole machine spent busy (all CPUs, everything but idle and iowait)
// since boot, from /proc/stat: with the host's and the bench's own CPU over the same span,
// it says how much else was running (other builds on a shared machine).
double read_machine_busy_cpu_seconds();
double read_load_average_1m();

}  // namespace callagent::bench
