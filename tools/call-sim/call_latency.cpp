#include "tools/call-sim/call_latency.h"

#include <algorithm>
#include <cmath>

namespace callagent::callsim {

CallLatencies compute_latencies(std::span<const CallEvent> events) {
  std::vector<const CallEvent*> ordered;
  ordered.reserve(events.size());
  for (const CallEvent& event : events) ordered.push_back(&event);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const CallEvent* left, const CallEvent* right) { return left->at < right->at; });

  // The caller turn being spoken (started, not yet ended).
  struct SpokenTurn {
    std::chrono::microseconds started_at{0};
    bool during_agent_audio = false;
    std::optional<std::chrono::microseconds> barge_in_clear;
  };

  CallLatencies latencies;
  std::optional<std::chrono::microseconds> start_sent_at;
  std::optional<std::size_t> waiting_turn;  // index of the turn whose answer has not arrived yet
  // Plain flags and values rather than optionals: GCC 12 misreads optionals in this loop
  // as maybe-uninitialised.
  bool speaking = false;
  SpokenTurn spoken;
  // A barge-in turn that ended before its clear came: its index in turns, and its start.
  bool clear_after_end = false;
  std::size_t clear_after_end_turn = 0;
  std::chrono::microseconds clear_after_end_start{0};
  bool agent_playing = false;
  // When playback last ran dry inside a reply; reset by anything that ends the reply.
  bool ran_dry = false;
  std::chrono::microseconds ran_dry_at{0};
  for (const CallEvent* event : ordered) {
    switch (event->kind) {
      case CallEventKind::start_sent:
        start_sent_at = event->at;
        break;
      case CallEventKind::agent_media:
        if (start_sent_at && !latencies.greeting) latencies.greeting = event->at - *start_sent_at;
        if (waiting_turn) {
          TurnLatency& turn = latencies.turns[*waiting_turn];
          turn.voice_to_voice = event->at - turn.caller_speech_ended_at;
          waiting_turn.reset();
        }
        break;
      case CallEventKind::agent_audio_started:
        if (ran_dry) latencies.underruns.push_back({ran_dry_at, event->at - ran_dry_at});
        ran_dry = false;
        agent_playing = true;
        break;
      case CallEventKind::agent_audio_finished:
        if (agent_playing) {
          ran_dry = true;
          ran_dry_at = event->at;
        }
        agent_playing = false;
        break;
      case CallEventKind::clear_received:
        ran_dry = false;
        agent_playing = false;  // the clear's own "finished" follows it
        if (speaking && spoken.during_agent_audio && !spoken.barge_in_clear) {
          spoken.barge_in_clear = event->at - spoken.started_at;
        } else if (clear_after_end) {
          latencies.turns[clear_after_end_turn].barge_in_clear = event->at - clear_after_end_start;
          clear_after_end = false;
        }
        break;
      case CallEventKind::dtmf_sent:
        ran_dry = false;
        break;
      case CallEventKind::caller_turn_started:
        waiting_turn.reset();  // the caller spoke again: the previous turn went unanswered
        clear_after_end = false;
        ran_dry = false;
        speaking = true;
        spoken = SpokenTurn{event->at, agent_playing, std::nullopt};
        break;
      case CallEventKind::caller_turn_ended: {
        TurnLatency turn;
        turn.turn = event->index;
        turn.caller_speech_ended_at = event->at;
        if (speaking) {
          turn.started_during_agent_audio = spoken.during_agent_audio;
          turn.barge_in_clear = spoken.barge_in_clear;
        }
        latencies.turns.push_back(turn);
        waiting_turn = latencies.turns.size() - 1;
        if (speaking && spoken.during_agent_audio && !spoken.barge_in_clear) {
          clear_after_end = true;
          clear_after_end_turn = latencies.turns.size() - 1;
          clear_after_end_start = spoken.started_at;
        }
        speaking = false;
        break;
      }
      default:
        break;
    }
  }
  return latencies;
}

std::optional<LatencySummary> summarize_latencies(std::vector<double> latencies_ms) {
  if (latencies_ms.empty()) return std::nullopt;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const auto percentile = [&](double fraction) {
    // Nearest rank: the smallest value with at least `fraction` of the samples at or below it.
    const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(latencies_ms.size())));
    return latencies_ms[std::clamp<std::size_t>(rank, 1, latencies_ms.size()) - 1];
  };
  LatencySummary summary;
  summary.count = latencies_ms.size();
  summary.min_ms = latencies_ms.front();
  summary.max_ms = latencies_ms.back();
  summary.p50_ms = percentile(0.50);
  summary.p95_ms = percentile(0.95);
  summary.p99_ms = percentile(0.99);
  return summary;
}

}  // namespace callagent::callsim
