// The benchmark's command line: how many calls, for how long, the mock vendors' delays,
// where the host binary is, and where the report goes.
//
// Threading: parsed once on the main thread; a plain value afterwards.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace callagent::bench {

struct BenchOptions {
  int calls = 10;                    // concurrent simulated calls (slots kept busy)
  double duration_seconds = 30;      // from the first call dialled to the hang-up of all
  double ramp_seconds = -1;          // calls start spread over this; < 0: min(10, calls × 20 ms)
  int endpointing_ms = 300;          // fake Deepgram: quiet after speech before speech_final
  int llm_first_token_ms = 250;      // fake OpenAI: delay before the first SSE chunk
  double llm_tokens_per_second = 0;  // fake OpenAI: pacing after the first token; 0: none
  int tts_first_audio_ms = 120;      // fake ElevenLabs: delay before the first audio byte
  int tts_ms_per_character = 40;     // fake ElevenLabs: reply length per character of text
  int turns_per_call = 4;            // caller turns in one call before it hangs up
  int barge_in_every = 3;            // every Nth turn barges in over the agent; 0: never
  int caller_utterance_ms = 1200;    // length of each caller "speech" (a tone)
  // Threads that send every caller's frames and read the host's (call-sim CallDriver);
  // 0: two threads per call, as call-sim runs a single call.
  int caller_threads = 2;
  // A caller frame may go out this late so that callers share wake-ups. 0 (the default):
  // every call keeps its own phase, as Twilio's calls reach a host; 1000 bunches frames
  // into ~1 ms bursts, which the host's reactor reads in fewer wake-ups (−9 % host CPU at
  // 200 calls, BENCHMARKS.md), so it would flatter the host.
  int caller_timer_slack_us = 0;
  std::string interrupt_sensitivity = "high";  // the host's agent.interrupt_sensitivity
  int http_threads = 16;             // server.http_threads (the host adds max_calls to it)
  int worker_threads = 0;            // server.worker_threads; 0: one per core
  int stream_threads = 0;            // server.stream_threads; 0: half the cores
  int stt_batch_ms = 100;            // agent.stt_batch_ms; 0: every frame to the STT at once
  int finished_call_retention_seconds = 3600;  // server.finished_call_retention_seconds
  bool turn_metrics = true;          // events_jsonfile write_events: per-stage host timings
  std::string state = "memory";      // the host's state store: "memory" or a redis://host:port[/db] URL
  std::vector<std::string> host_env; // NAME=VALUE added to (or replacing in) the host's environment
  std::string host_binary;           // default: callagent beside the bench binary
  std::string plugin_dir;            // default: <bin>/../lib/callagent/plugins
  std::string work_dir;              // config, host log, transcripts; default: a temp dir
  bool keep_work_dir = false;
  std::string json_path;             // write the JSON report here
  std::string label;                 // free text copied into the report
};

struct ParsedBenchOptions {
  std::optional<BenchOptions> options;  // empty: exit with exit_code after printing message
  int exit_code = 0;
  std::string message;
};

// `self_path`: the bench binary's own path (argv[0] resolved), for the defaults.
ParsedBenchOptions parse_bench_options(int argc, const char* const* argv, const std::string& self_path);

}  // namespace callagent::bench
