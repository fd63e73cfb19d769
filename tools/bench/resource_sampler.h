// Samples the host's and the bench's own resource use once a second while the load runs:
// host RSS, host and bench CPU seconds, host thread count, active calls, load average.
// The series goes into the JSON report (soak plots); the peak RSS comes from it.
//
// Threading: start()/stop() from one thread; the sampler runs on its own thread;
// samples() and peak_rss_kb() after stop(). `active_calls` is read from the sampler thread.
// Lifetime: stop() (or the destructor) joins the thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace callagent::bench {

struct ResourceSample {
  double t_seconds = 0;          // since start()
  std::int64_t host_rss_kb = 0;
  double host_cpu_seconds = 0;   // cumulative
  double bench_cpu_seconds = 0;  // cumulative
  double machine_busy_cpu_seconds = 0;  // cumulative, every process on the machine
  int host_threads = 0;
  int active_calls = 0;
  double load_average_1m = 0;
};

class ResourceSampler {
 public:
  ResourceSampler(pid_t host_pid, const std::atomic<int>& active_calls,
                  std::chrono::milliseconds interval = std::chrono::milliseconds(1000));
  ~ResourceSampler();
  ResourceSampler(const ResourceSampler&) = delete;
  ResourceSampler& operator=(const ResourceSampler&) = delete;

  void start();
  void stop();
  // Takes one sample now (also from the main thread, e.g. at the window's edges).
  ResourceSample sample_now();

  const std::vector<ResourceSample>& samples() const noexcept { return samples_; }
  std::int64_t peak_rss_kb() const noexcept;

 private:
  void run();

  const pid_t host_pid_;
  const std::atomic<int>& active_calls_;
  const std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point started_at_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<ResourceSample> samples_;
  std::thread thread_;
};

}  // namespace callagent::bench
