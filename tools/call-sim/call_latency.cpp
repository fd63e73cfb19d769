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

  CallLatencies latencies;
  std::optional<std::chrono::microseconds> start_sent_at;
  std::optional<std::size_t> waiting_turn;  // index of the turn whose answer has not arrived yet
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
      case CallEventKind::caller_turn_started:
        waiting_turn.reset();  // the caller spoke again: the previous turn went unanswered
        break;
      case CallEventKind::caller_turn_ended: {
        TurnLatency turn;
        turn.turn = event->index;
        turn.caller_speech_ended_at = event->at;
        latencies.turns.push_back(turn);
        waiting_turn = latencies.turns.size() - 1;
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
