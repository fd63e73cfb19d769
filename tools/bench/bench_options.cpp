#include "tools/bench/bench_options.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <boost/program_options.hpp>

namespace callagent::bench {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "bench: N concurrent simulated calls through the real callagent host, its vendor plugins\n"
    "(stt_deepgram, llm_openai, tts_elevenlabs) pointed at in-process mock vendors with fixed\n"
    "delays; reports latency, CPU, memory and playback underruns.\n"
    "\n"
    "  bench --calls 200 --duration-seconds 60 --json bench-200.json\n"
    "\nOptions";

po::options_description describe_options() {
  po::options_description options(kUsage);
  // clang-format off
  options.add_options()
    ("help,h", "show this help")
    ("calls", po::value<int>()->default_value(10), "concurrent calls")
    ("duration-seconds", po::value<double>()->default_value(30), "how long the load runs")
    ("ramp-seconds", po::value<double>()->default_value(-1), "spread call starts over this; default min(10, calls x 20 ms)")
    ("endpointing-ms", po::value<int>()->default_value(300), "fake Deepgram endpointing")
    ("llm-first-token-ms", po::value<int>()->default_value(250), "fake OpenAI first-token delay")
    ("llm-tokens-per-second", po::value<double>()->default_value(0), "fake OpenAI pacing after the first token; 0: none")
    ("tts-first-audio-ms", po::value<int>()->default_value(120), "fake ElevenLabs first-audio delay")
    ("tts-ms-per-character", po::value<int>()->default_value(40), "fake ElevenLabs audio length per character")
    ("turns-per-call", po::value<int>()->default_value(4), "caller turns per call")
    ("barge-in-every", po::value<int>()->default_value(3), "every Nth turn barges in; 0: never")
    ("caller-utterance-ms", po::value<int>()->default_value(1200), "length of each caller utterance")
    ("caller-threads", po::value<int>()->default_value(2), "threads that run every simulated caller's frames and reads; 0: two threads per call")
    ("caller-timer-slack-us", po::value<int>()->default_value(0), "how late a caller frame may go out so that callers share wake-ups; 0: each call keeps its own phase, as from Twilio")
    ("interrupt-sensitivity", po::value<std::string>()->default_value("high"), "the host's agent.interrupt_sensitivity: low or high")
    ("http-threads", po::value<int>()->default_value(16), "the host's server.http_threads")
    ("worker-threads", po::value<int>()->default_value(0), "the host's server.worker_threads; 0: one per core")
    ("stream-threads", po::value<int>()->default_value(0), "the host's server.stream_threads; 0: half the cores")
    ("stt-batch-ms", po::value<int>()->default_value(100), "the host's agent.stt_batch_ms; 0: every 20 ms frame to the STT at once")
    ("finished-call-retention-seconds", po::value<int>()->default_value(3600), "the host's server.finished_call_retention_seconds")
    ("no-turn-metrics", po::bool_switch(), "do not ask events_jsonfile to write every event (turn.metrics)")
    ("state", po::value<std::string>()->default_value("memory"), "the host's state store: memory (state_memory) or redis://HOST:PORT[/DB] (state_redis; start the server yourself)")
    ("host-env", po::value<std::vector<std::string>>()->composing(), "NAME=VALUE in the host's environment (repeatable), e.g. MALLOC_ARENA_MAX=2")
    ("host-binary", po::value<std::string>(), "the callagent binary; default: beside this one")
    ("plugin-dir", po::value<std::string>(), "the plugin folder; default: <bin>/../lib/callagent/plugins")
    ("work-dir", po::value<std::string>(), "config, host log and transcripts go here; default: a temp dir")
    ("keep-work-dir", po::bool_switch(), "keep the temp work dir")
    ("json", po::value<std::string>(), "write the JSON report to this file")
    ("label", po::value<std::string>()->default_value(""), "free text copied into the report");
  // clang-format on
  return options;
}

}  // namespace

ParsedBenchOptions parse_bench_options(int argc, const char* const* argv, const std::string& self_path) {
  ParsedBenchOptions parsed;
  const po::options_description description = describe_options();
  po::variables_map values;
  try {
    po::store(po::parse_command_line(argc, argv, description), values);
    po::notify(values);
  } catch (const po::error& error) {
    parsed.exit_code = 2;
    parsed.message = std::string("bench: ") + error.what() + " (see --help)";
    return parsed;
  }
  if (values.count("help") > 0) {
    std::ostringstream text;
    text << description;
    parsed.message = text.str();
    return parsed;
  }
  BenchOptions options;
  options.calls = values["calls"].as<int>();
  options.duration_seconds = values["duration-seconds"].as<double>();
  options.ramp_seconds = values["ramp-seconds"].as<double>();
  options.endpointing_ms = values["endpointing-ms"].as<int>();
  options.llm_first_token_ms = values["llm-first-token-ms"].as<int>();
  options.llm_tokens_per_second = values["llm-tokens-per-second"].as<double>();
  options.tts_first_audio_ms = values["tts-first-audio-ms"].as<int>();
  options.tts_ms_per_character = values["tts-ms-per-character"].as<int>();
  options.turns_per_call = values["turns-per-call"].as<int>();
  options.barge_in_every = values["barge-in-every"].as<int>();
  options.caller_utterance_ms = values["caller-utterance-ms"].as<int>();
  options.caller_threads = values["caller-threads"].as<int>();
  options.caller_timer_slack_us = values["caller-timer-slack-us"].as<int>();
  options.interrupt_sensitivity = values["interrupt-sensitivity"].as<std::string>();
  options.http_threads = values["http-threads"].as<int>();
  options.worker_threads = values["worker-threads"].as<int>();
  options.stream_threads = values["stream-threads"].as<int>();
  options.stt_batch_ms = values["stt-batch-ms"].as<int>();
  options.finished_call_retention_seconds = values["finished-call-retention-seconds"].as<int>();
  options.turn_metrics = !values["no-turn-metrics"].as<bool>();
  options.state = values["state"].as<std::string>();
  if (values.count("host-env") > 0) options.host_env = values["host-env"].as<std::vector<std::string>>();
  options.keep_work_dir = values["keep-work-dir"].as<bool>();
  options.label = values["label"].as<std::string>();
  if (values.count("json") > 0) options.json_path = values["json"].as<std::string>();
  if (values.count("work-dir") > 0) options.work_dir = values["work-dir"].as<std::string>();

  const std::filesystem::path bin_dir = std::filesystem::path(self_path).parent_path();
  options.host_binary = values.count("host-binary") > 0 ? values["host-binary"].as<std::string>()
                                                         : (bin_dir / "callagent").string();
  options.plugin_dir = values.count("plugin-dir") > 0
                           ? values["plugin-dir"].as<std::string>()
                           : (bin_dir / ".." / "lib" / "callagent" / "plugins").lexically_normal().string();
  if (options.ramp_seconds < 0) options.ramp_seconds = std::min(10.0, options.calls * 0.02);

  std::string error;
  if (options.calls < 1) error = "--calls must be at least 1";
  else if (options.duration_seconds <= options.ramp_seconds) error = "--duration-seconds must exceed the ramp";
  else if (options.turns_per_call < 1) error = "--turns-per-call must be at least 1";
  else if (options.caller_threads < 0 || options.caller_threads > 64) error = "--caller-threads is 0 to 64";
  else if (options.caller_timer_slack_us < 0 || options.caller_timer_slack_us > 20000)
    error = "--caller-timer-slack-us is 0 to 20000";
  else if (options.stt_batch_ms < 0 || options.stt_batch_ms > 250) error = "--stt-batch-ms is 0 to 250";
  else if (options.finished_call_retention_seconds < 1) error = "--finished-call-retention-seconds must be at least 1";
  else if (options.interrupt_sensitivity != "low" && options.interrupt_sensitivity != "high")
    error = "--interrupt-sensitivity is low or high";
  else if (options.endpointing_ms < 10 || options.llm_first_token_ms < 0 || options.tts_first_audio_ms < 0)
    error = "delays must be non-negative (endpointing at least 10 ms)";
  else if (options.state != "memory" && options.state.rfind("redis://", 0) != 0)
    error = "--state is memory or a redis://HOST:PORT URL";
  else if (const auto bad = std::find_if(options.host_env.begin(), options.host_env.end(),
                                         [](const std::string& entry) {
                                           const auto equals = entry.find('=');
                                           return equals == 0 || equals == std::string::npos;
                                         });
           bad != options.host_env.end())
    error = "--host-env expects NAME=VALUE, got '" + *bad + "'";
  if (!error.empty()) {
    parsed.exit_code = 2;
    parsed.message = "bench: " + error;
    return parsed;
  }
  parsed.options = std::move(options);
  return parsed;
}

}  // namespace callagent::bench
