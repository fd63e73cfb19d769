// Latencies read off a call's timeline, as the caller experiences them:
// - greeting: `start` sent → the first agent media frame received;
// - voice-to-voice per caller turn: the turn's last speech frame sent → the first agent
//   media frame received after it (none if the agent never answered that turn before the
//   caller spoke again or the call ended);
// - barge-in reaction per caller turn that started while agent audio was playing: the
//   turn's first speech frame sent → the next `clear` received;
// - underruns: the agent's playback ran dry and resumed with no caller turn, `clear` or
//   DTMF in between — a gap in the middle of one reply (between its sentences or inside
//   one), which a caller hears as a stutter.
// And percentile summaries across many calls, for --calls N.
//
// Threading: pure functions.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "tools/call-sim/call_events.h"

namespace callagent::callsim {

struct TurnLatency {
  int turn = 0;                                        // caller turn number, from 1
  std::chrono::microseconds caller_speech_ended_at{0};  // since call start
  std::optional<std::chrono::microseconds> voice_to_voice;
  // The caller started this turn while agent audio was playing (a barge-in).
  bool started_during_agent_audio = false;
  // Barge-in only: the turn's first frame sent → the host's next `clear` received; empty
  // if no clear came before the caller's next turn or the end of the call.
  std::optional<std::chrono::microseconds> barge_in_clear;
};

// Agent playback ran dry at `at` (since call start) and resumed `duration` later, within
// one reply.
struct PlaybackGap {
  std::chrono::microseconds at{0};
  std::chrono::microseconds duration{0};
};

struct CallLatencies {
  std::optional<std::chrono::microseconds> greeting;
  std::vector<TurnLatency> turns;
  std::vector<PlaybackGap> underruns;
};

// `events` in any order (they are sorted by time internally).
CallLatencies compute_latencies(std::span<const CallEvent> events);

struct LatencySummary {
  std::size_t count = 0;
  double min_ms = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Nearest-rank percentiles; empty input → empty result.
std::optional<LatencySummary> summarize_latencies(std::vector<double> latencies_ms);

}  // namespace callagent::callsim
