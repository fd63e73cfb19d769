// Runs a CallScript one 20 ms tick at a time: given what the caller can observe now (is
// the agent's audio playing, is the caller still talking, did the host hang up), it says
// what to do (start an utterance, press a key, hang up) and when the script is over or has
// failed. It neither sends nor sleeps, so it is unit-testable with made-up observations.
//
// Threading: not thread-safe; SimulatedCall calls it from its frame thread under the call
// lock. Lifetime: keeps a reference to the script, which must outlive it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/call-sim/call_script.h"

namespace callagent::callsim {

struct ScriptObservation {
  using TimePoint = std::chrono::steady_clock::time_point;

  TimePoint now;
  bool agent_playing = false;                  // agent audio is playing to the caller
  std::optional<TimePoint> agent_playing_since;
  std::optional<TimePoint> agent_silent_since;  // empty while playing or before any audio
  std::uint64_t agent_playback_count = 0;       // times agent audio started playing
  bool caller_speaking = false;                // an utterance still has frames to send
  bool host_closed = false;                    // the host closed the stream
  std::string host_close_description;          // e.g. "code 1000 (goodbye)"
};

struct ScriptAction {
  const CallerUtterance* speak = nullptr;  // start this utterance now (points into the script)
  std::string dtmf_digits;                 // press these keys now
  bool hang_up = false;                    // send `stop` and close the stream now
  bool finished = false;                   // the script is over; nothing more will be asked
  std::string failure;                     // non-empty: the call failed, and why
};

class ScriptRunner {
 public:
  explicit ScriptRunner(const CallScript& script) : script_(script) {}

  // Advances through every step that can complete at `observation.now` (at most one
  // utterance or key press per tick). A script that runs out of steps hangs up.
  ScriptAction tick(const ScriptObservation& observation);

  bool finished() const noexcept { return finished_; }
  // 0-based index of the step running now (== steps().size() once past the end).
  std::size_t current_step() const noexcept { return step_index_; }
  // "step 3 (wait_for_agent_quiet(800 ms, timeout 30000 ms))", or "end of script".
  std::string describe_current_step() const;

 private:
  enum class Progress { waiting, done, failed };

  Progress run_step(const CallStep& step, const ScriptObservation& observation, ScriptAction& action);

  const CallScript& script_;
  std::size_t step_index_ = 0;
  bool finished_ = false;
  // Per-step state, reset when a step begins.
  bool step_entered_ = false;
  ScriptObservation::TimePoint step_started_at_{};
  std::uint64_t playback_count_at_step_start_ = 0;
  bool step_spoke_ = false;
};

}  // namespace callagent::callsim
