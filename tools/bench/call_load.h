// Keeps N simulated calls (call-sim's SimulatedCall) running against the host until a
// deadline: each of N slots dials a call of several caller turns (every k-th one a
// barge-in), and when it ends dials the next, so N calls are live throughout. Slot starts
// are spread over the ramp. Each finished call's report is folded into LoadResults at once,
// so memory stays flat however long the load runs.
//
// Threading: run() blocks its caller and uses one thread per slot, which dials, waits and
// hangs up; the calls' frames and reads run on options.caller_threads shared CallDrivers
// (calls assigned round-robin by slot), or with 0 on each SimulatedCall's own two threads.
// active_calls() may be read from any thread while it runs.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/bench/bench_options.h"

namespace callagent::bench {

struct CallFailure {
  std::string conversation_id;
  std::string error;
};

// What happened in one minute of the load (by when a turn's caller speech ended, or a gap
// began, counted from the load's start): whether latency drifts over a soak.
struct MinuteResults {
  std::vector<double> added_latency_ms;
  std::int64_t underruns = 0;
};

struct LoadResults {
  int calls_ok = 0;
  int calls_failed = 0;
  std::vector<CallFailure> first_failures;  // up to kMaxFailuresKept, in the order they ended
  std::int64_t turns = 0;                    // caller turns spoken
  std::int64_t turns_answered = 0;           // with a voice-to-voice latency
  std::int64_t barge_ins = 0;                // turns started over agent audio
  std::int64_t barge_ins_without_clear = 0;
  std::vector<double> voice_to_voice_ms;
  std::vector<double> added_latency_ms;      // voice-to-voice minus the mock delays on the path
  std::vector<double> greeting_ms;
  std::vector<double> barge_in_clear_ms;     // caller onset sent → clear received
  std::vector<double> underrun_ms;           // each gap inside a reply
  std::int64_t calls_with_underruns = 0;
  double agent_audio_played_seconds = 0;
  double call_seconds = 0;                   // summed over calls, dial to end
  std::vector<MinuteResults> by_minute;      // [0] = the load's first minute

  // The minute `since_load_start` falls in, created when first needed.
  MinuteResults& minute_at(std::chrono::microseconds since_load_start);
};

inline constexpr std::size_t kMaxFailuresKept = 5;

// The lines the mock Deepgram "hears", one per caller turn, in order (none ends a call).
std::vector<std::string> caller_lines();

class CallLoad {
 public:
  CallLoad(BenchOptions options, std::string host_url, std::string auth_token);

  // Runs until `deadline`; calls in flight are hung up at it. Returns when all ended.
  LoadResults run(std::chrono::steady_clock::time_point deadline);
  const std::atomic<int>& active_calls() const noexcept { return active_calls_; }

 private:
  const BenchOptions options_;
  const std::string host_url_;
  const std::string auth_token_;
  std::atomic<int> active_calls_{0};
};

}  // namespace callagent::bench
