#include "tools/bench/bench_report.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include <fmt/format.h>

#include "tools/call-sim/call_latency.h"

namespace callagent::bench {
namespace {

double critical_path_ms(const BenchOptions& options) {
  return options.endpointing_ms + options.llm_first_token_ms + options.tts_first_audio_ms;
}

nlohmann::json summary_json(const std::vector<double>& values) {
  const auto summary = callsim::summarize_latencies(values);
  if (!summary) return {{"count", 0}, {"p50", nullptr}, {"p95", nullptr}, {"p99", nullptr}};
  return {{"count", summary->count}, {"min", summary->min_ms}, {"p50", summary->p50_ms},
          {"p95", summary->p95_ms},  {"p99", summary->p99_ms}, {"max", summary->max_ms}};
}

std::string summary_row(const std::string& name, const std::vector<double>& values) {
  const auto summary = callsim::summarize_latencies(values);
  if (!summary) return fmt::format("  {:<34} {:>9} {:>9} {:>9} {:>9} {:>7}\n", name, "-", "-", "-", "-", 0);
  return fmt::format("  {:<34} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f} {:>7}\n", name, summary->p50_ms, summary->p95_ms,
                     summary->p99_ms, summary->max_ms, summary->count);
}

double per_call_second_ms(double cpu_seconds, double call_seconds) {
  return call_seconds > 0 ? cpu_seconds * 1000.0 / call_seconds : 0;
}

double rss_per_call_kb(const BenchReport& report) {
  return static_cast<double>(report.usage.host_rss_loaded_kb - report.usage.host_rss_idle_kb) /
         static_cast<double>(report.options.calls);
}

std::vector<std::pair<std::string, double>> top_threads(const BenchReport& report, std::size_t count) {
  std::vector<std::pair<std::string, double>> threads(report.usage.host_thread_cpu_seconds.begin(),
                                                      report.usage.host_thread_cpu_seconds.end());
  std::sort(threads.begin(), threads.end(), [](const auto& left, const auto& right) { return left.second > right.second; });
  if (threads.size() > count) threads.resize(count);
  return threads;
}

std::size_t minute_count(const BenchReport& report) {
  return std::max(report.load.by_minute.size(), report.stall_minutes.size());
}

StallMinute whole_load_stalls(const BenchReport& report) {
  StallMinute overall;
  for (const StallMinute& stall : report.stall_minutes) {
    overall.worst_late_ms = std::max(overall.worst_late_ms, stall.worst_late_ms);
    overall.late_over_20ms += stall.late_over_20ms;
    overall.late_over_50ms += stall.late_over_50ms;
    overall.wake_ups += stall.wake_ups;
  }
  return overall;
}

}  // namespace

nlohmann::json report_json(const BenchReport& report) {
  const BenchOptions& options = report.options;
  const LoadResults& load = report.load;
  const WindowUsage& usage = report.usage;
  nlohmann::json failures = nlohmann::json::array();
  for (const CallFailure& failure : load.first_failures) {
    failures.push_back({{"conversation_id", failure.conversation_id}, {"error", failure.error}});
  }
  nlohmann::json samples = nlohmann::json::array();
  for (const ResourceSample& sample : report.samples) {
    samples.push_back({{"t_s", sample.t_seconds},
                       {"host_rss_kb", sample.host_rss_kb},
                       {"host_cpu_s", sample.host_cpu_seconds},
                       {"bench_cpu_s", sample.bench_cpu_seconds},
                       {"host_threads", sample.host_threads},
                       {"active_calls", sample.active_calls},
                       {"load_average_1m", sample.load_average_1m}});
  }
  nlohmann::json stages = nlohmann::json::object();
  for (const auto& [name, values] : report.turn_stages.stage_ms) stages[name] = summary_json(values);
  nlohmann::json threads = nlohmann::json::object();
  for (const auto& [name, seconds] : usage.host_thread_cpu_seconds) threads[name] = seconds;
  const double underrun_total_ms = std::accumulate(load.underrun_ms.begin(), load.underrun_ms.end(), 0.0);
  nlohmann::json minutes = nlohmann::json::array();
  for (std::size_t minute = 0; minute < minute_count(report); ++minute) {
    const MinuteResults& results = minute < load.by_minute.size() ? load.by_minute[minute] : MinuteResults{};
    const StallMinute stall = minute < report.stall_minutes.size() ? report.stall_minutes[minute] : StallMinute{};
    minutes.push_back({{"minute", minute},
                       {"added_latency_ms", summary_json(results.added_latency_ms)},
                       {"underruns", results.underruns},
                       {"machine_stalls",
                        {{"worst_late_ms", stall.worst_late_ms},
                         {"late_over_20ms", stall.late_over_20ms},
                         {"late_over_50ms", stall.late_over_50ms}}}});
  }
  const StallMinute stalls_overall = whole_load_stalls(report);

  return {
      {"label", options.label},
      {"config",
       {{"calls", options.calls},
        {"duration_s", options.duration_seconds},
        {"ramp_s", options.ramp_seconds},
        {"endpointing_ms", options.endpointing_ms},
        {"llm_first_token_ms", options.llm_first_token_ms},
        {"llm_tokens_per_second", options.llm_tokens_per_second},
        {"tts_first_audio_ms", options.tts_first_audio_ms},
        {"tts_ms_per_character", options.tts_ms_per_character},
        {"critical_path_ms", critical_path_ms(options)},
        {"turns_per_call", options.turns_per_call},
        {"barge_in_every", options.barge_in_every},
        {"caller_utterance_ms", options.caller_utterance_ms},
        {"caller_threads", options.caller_threads},
        {"caller_timer_slack_us", options.caller_timer_slack_us},
        {"interrupt_sensitivity", options.interrupt_sensitivity},
        {"http_threads", options.http_threads},
        {"worker_threads", options.worker_threads},
        {"stream_threads", options.stream_threads},
        {"stt_batch_ms", options.stt_batch_ms},
        {"finished_call_retention_seconds", options.finished_call_retention_seconds},
        {"turn_metrics", options.turn_metrics},
        {"state", options.state},
        {"host_env", options.host_env},
        {"vendor_connection_limit", report.vendor_connection_limit}}},
      {"vendor_messages",
       {{"deepgram_audio_per_call_second",
         usage.call_seconds > 0 ? static_cast<double>(report.deepgram_audio_messages) / usage.call_seconds : 0.0}}},
      {"machine",
       {{"cpus", report.machine.cpus},
        {"cpu_model", report.machine.cpu_model},
        {"memory_total_kb", report.machine.memory_total_kb},
        {"kernel", report.machine.kernel},
        {"loopback_round_trip_us_p50", report.speed ? report.speed->loopback_round_trip_us_p50 : 0.0},
        {"loopback_round_trip_us_p90", report.speed ? report.speed->loopback_round_trip_us_p90 : 0.0},
        {"compute_loop_ms", report.speed ? report.speed->compute_loop_ms : 0.0},
        {"load_average_before", report.load_average_before},
        {"other_processes_cores_busy",
         usage.window_seconds > 0 ? usage.other_cpu_seconds / usage.window_seconds : 0},
        {"load_average_after", report.load_average_after},
        {"stalls",
         {{"watcher_realtime", report.stall_watch_realtime},
          {"worst_late_ms", stalls_overall.worst_late_ms},
          {"late_over_20ms", stalls_overall.late_over_20ms},
          {"late_over_50ms", stalls_overall.late_over_50ms}}}}},
      {"calls", {{"ok", load.calls_ok}, {"failed", load.calls_failed}, {"first_failures", failures}}},
      {"turns",
       {{"spoken", load.turns},
        {"answered", load.turns_answered},
        {"barge_ins", load.barge_ins},
        {"barge_ins_without_clear", load.barge_ins_without_clear}}},
      {"voice_to_voice_ms", summary_json(load.voice_to_voice_ms)},
      {"added_latency_ms", summary_json(load.added_latency_ms)},
      {"greeting_ms", summary_json(load.greeting_ms)},
      {"barge_in_clear_ms", summary_json(load.barge_in_clear_ms)},
      {"host_barge_in_reaction_ms", report.host_barge_in_reaction.to_json()},
      {"underruns",
       {{"count", load.underrun_ms.size()},
        {"calls_with_underruns", load.calls_with_underruns},
        {"total_ms", underrun_total_ms},
        {"agent_audio_s", load.agent_audio_played_seconds},
        {"per_agent_minute",
         load.agent_audio_played_seconds > 0
             ? static_cast<double>(load.underrun_ms.size()) * 60.0 / load.agent_audio_played_seconds
             : 0.0},
        {"gap_ms", summary_json(load.underrun_ms)}}},
      {"host_cpu",
       {{"window_s", usage.window_seconds},
        {"call_seconds", usage.call_seconds},
        {"cpu_s", usage.host_cpu_seconds},
        {"ms_per_call_second", per_call_second_ms(usage.host_cpu_seconds, usage.call_seconds)},
        {"cores_busy", usage.window_seconds > 0 ? usage.host_cpu_seconds / usage.window_seconds : 0},
        {"idle_ms_per_second", usage.host_idle_cpu_ms_per_second},
        {"by_thread_s", threads}}},
      {"bench_cpu",
       {{"cpu_s", usage.bench_cpu_seconds},
        {"ms_per_call_second", per_call_second_ms(usage.bench_cpu_seconds, usage.call_seconds)},
        {"cores_busy", usage.window_seconds > 0 ? usage.bench_cpu_seconds / usage.window_seconds : 0}}},
      {"host_rss_kb",
       {{"idle", usage.host_rss_idle_kb},
        {"loaded", usage.host_rss_loaded_kb},
        {"peak", usage.host_rss_peak_kb},
        {"after_calls", usage.host_rss_after_kb},
        {"per_call", rss_per_call_kb(report)}}},
      {"host_turn_stages_ms", {{"turns", report.turn_stages.turns}, {"stages", stages}}},
      {"host", {{"pid", report.host_pid}, {"exit", report.host_exit}}},
      {"rss_samples", samples},
      {"by_minute", minutes},
  };
}

std::string report_text(const BenchReport& report) {
  const BenchOptions& options = report.options;
  const LoadResults& load = report.load;
  const WindowUsage& usage = report.usage;
  std::string text;
  text += fmt::format("callagent bench: {} calls for {:.0f} s (ramp {:.1f} s), mock delays {}+{}+{} = {:.0f} ms\n",
                      options.calls, options.duration_seconds, options.ramp_seconds, options.endpointing_ms,
                      options.llm_first_token_ms, options.tts_first_audio_ms, critical_path_ms(options));
  text += fmt::format("machine: {} x {}, {:.1f} GB, {}; load {:.2f} before, {:.2f} after\n", report.machine.cpus,
                      report.machine.cpu_model, static_cast<double>(report.machine.memory_total_kb) / 1048576.0,
                      report.machine.kernel, report.load_average_before, report.load_average_after);
  if (!report.stall_minutes.empty()) {
    const StallMinute overall = whole_load_stalls(report);
    text += fmt::format("machine stalls during the load: worst {:.1f} ms, {} wake-ups over 50 ms late ({})\n",
                        overall.worst_late_ms, overall.late_over_50ms,
                        report.stall_watch_realtime ? "SCHED_FIFO watcher" : "normal-priority watcher: includes CPU contention");
  }
  if (report.speed) {
    text += fmt::format("machine speed: loopback round trip p50 {:.1f} us (p90 {:.1f}), compute loop {:.0f} ms\n",
                        report.speed->loopback_round_trip_us_p50, report.speed->loopback_round_trip_us_p90,
                        report.speed->compute_loop_ms);
  }
  text += fmt::format("calls: {} ok, {} failed; turns {} spoken, {} answered, {} barge-ins ({} without clear)\n",
                      load.calls_ok, load.calls_failed, load.turns, load.turns_answered, load.barge_ins,
                      load.barge_ins_without_clear);
  for (const CallFailure& failure : load.first_failures) {
    text += fmt::format("  failed {}: {}\n", failure.conversation_id, failure.error);
  }
  text += fmt::format("\n  {:<34} {:>9} {:>9} {:>9} {:>9} {:>7}\n", "latency (ms)", "p50", "p95", "p99", "max", "n");
  text += summary_row("voice-to-voice", load.voice_to_voice_ms);
  text += summary_row("added (v2v - mock delays)", load.added_latency_ms);
  text += summary_row("greeting (start -> audio)", load.greeting_ms);
  text += summary_row("barge-in (onset -> clear)", load.barge_in_clear_ms);
  text += summary_row("underrun gaps", load.underrun_ms);
  if (const auto& reaction = report.host_barge_in_reaction; reaction.count > 0) {
    const auto p50 = reaction.percentile_at_most(0.5);
    const auto p99 = reaction.percentile_at_most(0.99);
    text += fmt::format("  {:<34} p50 <= {} ms, p99 <= {} ms, {:.1f} % within 5 ms (n {}, mean {:.2f} ms)\n",
                        "host barge-in (event -> clear)", *p50, *p99, 100.0 * reaction.share_at_most(5),
                        reaction.count, reaction.sum / static_cast<double>(reaction.count));
  }
  for (const auto& [name, values] : report.turn_stages.stage_ms) text += summary_row("host " + name, values);
  if (minute_count(report) >= 3) {
    text += fmt::format("\n  {:<5} {:>18} {:>10} {:>28}\n", "minute", "added p50/p99 ms", "underruns",
                        "the machine's worst stall ms");
    for (std::size_t minute = 0; minute < minute_count(report); ++minute) {
      const auto summary = minute < load.by_minute.size()
                               ? callsim::summarize_latencies(load.by_minute[minute].added_latency_ms)
                               : std::nullopt;
      text += fmt::format("  {:<6} {:>18} {:>10} {:>28.1f}\n", minute,
                          summary ? fmt::format("{:.1f}/{:.1f}", summary->p50_ms, summary->p99_ms) : "-",
                          minute < load.by_minute.size() ? load.by_minute[minute].underruns : 0,
                          minute < report.stall_minutes.size() ? report.stall_minutes[minute].worst_late_ms : 0.0);
    }
  }
  text += fmt::format("\nunderruns: {} in {} calls over {:.0f} s of agent audio\n", load.underrun_ms.size(),
                      load.calls_with_underruns, load.agent_audio_played_seconds);
  text += fmt::format("host CPU: {:.2f} ms per call-second ({:.2f} s over {:.1f} s window, {:.0f} call-s; {:.2f} cores)\n",
                      per_call_second_ms(usage.host_cpu_seconds, usage.call_seconds), usage.host_cpu_seconds,
                      usage.window_seconds, usage.call_seconds,
                      usage.window_seconds > 0 ? usage.host_cpu_seconds / usage.window_seconds : 0);
  text += fmt::format("host CPU idle (no call): {:.2f} ms per second\n", usage.host_idle_cpu_ms_per_second);
  if (usage.call_seconds > 0) {
    text += fmt::format("Deepgram audio messages: {:.1f} per call-second (20 ms frames: 50)\n",
                        static_cast<double>(report.deepgram_audio_messages) / usage.call_seconds);
  }
  text += fmt::format("bench CPU: {:.2f} ms per call-second ({:.2f} cores); other processes {:.2f} cores\n",
                      per_call_second_ms(usage.bench_cpu_seconds, usage.call_seconds),
                      usage.window_seconds > 0 ? usage.bench_cpu_seconds / usage.window_seconds : 0,
                      usage.window_seconds > 0 ? usage.other_cpu_seconds / usage.window_seconds : 0);
  text += fmt::format("host RSS: idle {:.1f} MB, loaded {:.1f} MB, peak {:.1f} MB, after calls {:.1f} MB; {:.0f} KB per call\n",
                      static_cast<double>(usage.host_rss_idle_kb) / 1024.0,
                      static_cast<double>(usage.host_rss_loaded_kb) / 1024.0,
                      static_cast<double>(usage.host_rss_peak_kb) / 1024.0,
                      static_cast<double>(usage.host_rss_after_kb) / 1024.0, rss_per_call_kb(report));
  text += "host CPU by thread (s in window):";
  for (const auto& [name, seconds] : top_threads(report, 8)) text += fmt::format(" {} {:.2f};", name, seconds);
  text += "\n";
  return text;
}

}  // namespace callagent::bench
