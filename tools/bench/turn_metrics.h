// The host's own view of each turn: the `turn.metrics` events the events_jsonfile plugin
// wrote (with write_events on) to <transcripts>/events/<conversation_id>.jsonl. Each gives
// the milliseconds since call start at which a stage happened; the differences between
// consecutive stages say where a turn's latency went inside the host and its plugins.
//
// Threading: pure file reads; call after the host has stopped (its writer flushed).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace callagent::bench {

struct TurnStageSamples {
  int turns = 0;  // turn.metrics events read
  // stage name ("stt_final→llm_request", …) → its duration in ms for every turn that had both ends.
  std::map<std::string, std::vector<double>> stage_ms;
};

TurnStageSamples read_turn_metrics(const std::string& transcripts_dir);

}  // namespace callagent::bench
