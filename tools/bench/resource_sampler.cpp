#include "tools/bench/resource_sampler.h"

#include <algorithm>

#include "tools/bench/proc_stats.h"

namespace callagent::bench {

ResourceSampler::ResourceSampler(pid_t host_pid, const std::atomic<int>& active_calls,
                                 std::chrono::milliseconds interval)
    : host_pid_(host_pid), active_calls_(active_calls), interval_(interval) {}

ResourceSampler::~ResourceSampler() { stop(); }

void ResourceSampler::start() {
  started_at_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] { run(); });
}

void ResourceSampler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

ResourceSample ResourceSampler::sample_now() {
  ResourceSample sample;
  sample.t_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at_).count();
  if (const auto host = read_process_usage(host_pid_)) {
    sample.host_rss_kb = host->rss_kb;
    sample.host_cpu_seconds = host->cpu_seconds;
    sample.host_threads = host->threads;
  }
  if (const auto self = read_process_usage(0)) sample.bench_cpu_seconds = self->cpu_seconds;
  sample.machine_busy_cpu_seconds = read_machine_busy_cpu_seconds();
  sample.active_calls = active_calls_.load();
  sample.load_average_1m = read_load_average_1m();
  return sample;
}

void ResourceSampler::run() {
  std::unique_lock lock(mutex_);
  auto next = std::chrono::steady_clock::now();
  while (!stopping_) {
    lock.unlock();
    ResourceSample sample = sample_now();
    lock.lock();
    samples_.push_back(sample);
    next += interval_;
    wake_.wait_until(lock, next, [&] { return stopping_; });
  }
}

std::int64_t ResourceSampler::peak_rss_kb() const noexcept {
  std::int64_t peak = 0;
  for (const ResourceSample& sample : samples_) peak = std::max(peak, sample.host_rss_kb);
  return peak;
}

}  // namespace callagent::bench
