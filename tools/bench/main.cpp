// bench: N concurrent simulated calls through the real callagent host with its vendor
// plugins pointed at in-process mock vendors; see BENCHMARKS.md for what it measures.
//
// Order: mocks up → host started with a generated config → idle RSS → calls dialled over
// the ramp → measured window (ramp end → deadline) → calls hung up → host stopped (its
// event writer flushed) → turn.metrics read → report. Exit 0 when every call succeeded,
// 1 when any failed, 2 when the bench could not run.
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "tools/bench/bench_host_config.h"
#include "tools/bench/bench_options.h"
#include "tools/bench/bench_report.h"
#include "tools/bench/call_load.h"
#include "tools/bench/host_process.h"
#include "tools/bench/machine_probe.h"
#include "tools/bench/proc_stats.h"
#include "tools/bench/resource_sampler.h"
#include "tools/bench/stall_watcher.h"
#include "tools/bench/turn_metrics.h"
#include "tools/bench/vendor_farm.h"

namespace {

using namespace callagent::bench;
using Clock = std::chrono::steady_clock;

// Every call holds a dozen sockets across the host, the mocks and the simulator.
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string make_work_dir(const BenchOptions& options) {
  if (!options.work_dir.empty()) {
    std::filesystem::create_directories(options.work_dir);
    return std::filesystem::absolute(options.work_dir).string();
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "callagent-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temp dir");
  return pattern;
}

std::map<std::string, double> thread_delta(const std::map<std::string, double>& before,
                                           const std::map<std::string, double>& after, double total) {
  std::map<std::string, double> delta;
  double accounted = 0;
  for (const auto& [name, seconds] : after) {
    const auto found = before.find(name);
    const double value = std::max(0.0, seconds - (found == before.end() ? 0.0 : found->second));
    if (value > 0) delta[name] = value;
    accounted += value;
  }
  if (total - accounted > 0.005) delta["(exited threads)"] = total - accounted;
  return delta;
}

int run(const BenchOptions& options) {
  BenchReport report;
  report.options = options;
  report.machine = read_machine_info();
  report.speed = measure_machine_speed();
  report.load_average_before = report.machine.load_average_1m;
  if (report.load_average_before > report.machine.cpus * 0.5) {
    std::cerr << fmt::format("bench: note: load average {:.2f} on {} CPUs — the machine is busy\n",
                             report.load_average_before, report.machine.cpus);
  }

  const std::string work_dir = make_work_dir(options);
  const std::string transcripts_dir = work_dir + "/transcripts";
  VendorDelays delays;
  delays.endpointing_ms = options.endpointing_ms;
  delays.llm_first_token_ms = options.llm_first_token_ms;
  delays.llm_tokens_per_second = options.llm_tokens_per_second;
  delays.tts_first_audio_ms = options.tts_first_audio_ms;
  delays.tts_ms_per_character = options.tts_ms_per_character;
  VendorFarm vendors(delays, caller_lines(), options.calls);
  report.vendor_connection_limit = vendors.connection_limit();

  const std::uint16_t port = free_port();
  const std::string config_path = work_dir + "/bench-config.json";
  std::ofstream(config_path) << make_host_config(options, vendors, port, transcripts_dir).dump(2);
  HostProcess host;
  const std::string log_path = work_dir + "/host.log";
  if (const std::string error =
          host.start(options.host_binary, {"--config", config_path, "--plugin-dir", options.plugin_dir}, work_dir, log_path,
                     options.host_env);
      !error.empty()) {
    std::cerr << "bench: " << error << "\n";
    return 2;
  }
  report.host_pid = host.pid();
  if (!host.wait_for_log("listening on", std::chrono::seconds(30))) {
    std::cerr << "bench: the host did not start; its log (" << log_path << "):\n" << host.log_text() << "\n";
    return 2;
  }
  std::cerr << fmt::format("bench: host pid {} on port {}; work dir {}\n", host.pid(), port, work_dir);
  CallLoad load(options, "http://127.0.0.1:" + std::to_string(port), kBenchAuthToken);
  ResourceSampler sampler(host.pid(), load.active_calls());
  // The phrase cache (greeting, goodbye, …) is synthesised at start-up: let it finish, then
  // measure the idle host for a few seconds (its fixed cost, with no call).
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const ResourceSample idle_start = sampler.sample_now();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const ResourceSample idle_end = sampler.sample_now();
  report.usage.host_rss_idle_kb = idle_end.host_rss_kb;
  report.usage.host_idle_cpu_ms_per_second = (idle_end.host_cpu_seconds - idle_start.host_cpu_seconds) * 1000.0 /
                                             (idle_end.t_seconds - idle_start.t_seconds);
  sampler.start();

  const Clock::time_point started_at = Clock::now();
  const auto as_duration = [](double seconds) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  };
  const Clock::time_point deadline = started_at + as_duration(options.duration_seconds);
  // The window ends a little before the deadline: at the deadline every call hangs up.
  const Clock::time_point window_start = started_at + as_duration(options.ramp_seconds);
  const Clock::time_point window_end = deadline - std::chrono::milliseconds(500);

  StallWatcher stall_watcher(started_at);
  stall_watcher.start();
  LoadResults results;
  std::thread load_thread([&] { results = load.run(deadline); });

  std::this_thread::sleep_until(window_start);
  const ResourceSample at_start = sampler.sample_now();
  const auto threads_at_start = read_thread_cpu_by_name(host.pid());
  const std::int64_t deepgram_messages_at_start = vendors.deepgram_audio_messages();
  std::this_thread::sleep_until(window_end);
  const ResourceSample at_end = sampler.sample_now();
  const auto threads_at_end = read_thread_cpu_by_name(host.pid());
  report.deepgram_audio_messages = vendors.deepgram_audio_messages() - deepgram_messages_at_start;
  load_thread.join();
  stall_watcher.stop();
  report.stall_minutes = stall_watcher.minutes();
  report.stall_watch_realtime = stall_watcher.realtime();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  report.usage.host_rss_after_kb = sampler.sample_now().host_rss_kb;
  sampler.stop();

  WindowUsage& usage = report.usage;
  usage.window_seconds = at_end.t_seconds - at_start.t_seconds;
  usage.host_cpu_seconds = at_end.host_cpu_seconds - at_start.host_cpu_seconds;
  usage.bench_cpu_seconds = at_end.bench_cpu_seconds - at_start.bench_cpu_seconds;
  usage.other_cpu_seconds = std::max(0.0, at_end.machine_busy_cpu_seconds - at_start.machine_busy_cpu_seconds -
                                              usage.host_cpu_seconds - usage.bench_cpu_seconds);
  usage.host_rss_loaded_kb = at_end.host_rss_kb;
  usage.host_rss_peak_kb = std::max(sampler.peak_rss_kb(), at_end.host_rss_kb);
  usage.host_thread_cpu_seconds = thread_delta(threads_at_start, threads_at_end, usage.host_cpu_seconds);
  // Live calls integrated over the window, from the once-a-second samples inside it.
  double active_sum = 0;
  int active_samples = 0;
  for (const ResourceSample& sample : sampler.samples()) {
    if (sample.t_seconds >= at_start.t_seconds && sample.t_seconds <= at_end.t_seconds) {
      active_sum += sample.active_calls;
      ++active_samples;
    }
  }
  const double mean_active = active_samples > 0 ? active_sum / active_samples
                                                : (at_start.active_calls + at_end.active_calls) / 2.0;
  usage.call_seconds = mean_active * usage.window_seconds;

  report.host_barge_in_reaction =
      parse_histogram(fetch_metrics(port, kBenchApiToken), "callagent_barge_in_reaction_latency_milliseconds");
  const auto exit_status = host.stop(std::chrono::seconds(30));
  report.host_exit = exit_status ? std::to_string(*exit_status) : "killed after 30 s";
  report.samples = sampler.samples();
  report.load = std::move(results);
  report.turn_stages = read_turn_metrics(transcripts_dir);
  report.load_average_after = read_load_average_1m();

  std::cout << report_text(report) << std::flush;
  if (!options.json_path.empty()) {
    std::ofstream(options.json_path) << report_json(report).dump(2) << "\n";
  }
  if (options.work_dir.empty() && !options.keep_work_dir) {
    std::error_code ignored;
    std::filesystem::remove_all(work_dir, ignored);
  }
  return report.load.calls_failed == 0 && report.load.calls_ok > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  raise_open_file_limit();
  std::error_code ignored;
  const std::string self = std::filesystem::canonical("/proc/self/exe", ignored).string();
  const ParsedBenchOptions parsed = parse_bench_options(argc, argv, self);
  if (!parsed.options) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message << "\n";
    return parsed.exit_code;
  }
  try {
    return run(*parsed.options);
  } catch (const std::exception& error) {
    std::cerr << "bench: " << error.what() << "\n";
    return 2;
  }
}
