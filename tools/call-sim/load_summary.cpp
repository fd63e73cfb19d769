#include "tools/call-sim/load_summary.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace callagent::callsim {
namespace {

double to_ms(std::chrono::microseconds duration) {
  return static_cast<double>(duration.count()) / 1000.0;
}

struct CollectedLatencies {
  std::vector<double> greeting_ms;
  std::vector<double> voice_to_voice_ms;
  std::size_t ok = 0;
  std::size_t failed = 0;
};

CollectedLatencies collect(const std::vector<CallReport>& reports) {
  CollectedLatencies collected;
  for (const CallReport& report : reports) {
    ++(report.ok ? collected.ok : collected.failed);
    if (report.latencies.greeting) collected.greeting_ms.push_back(to_ms(*report.latencies.greeting));
    for (const TurnLatency& turn : report.latencies.turns) {
      if (turn.voice_to_voice) collected.voice_to_voice_ms.push_back(to_ms(*turn.voice_to_voice));
    }
  }
  return collected;
}

std::string summary_line(const char* name, const std::vector<double>& latencies_ms) {
  const auto summary = summarize_latencies(latencies_ms);
  if (!summary) return fmt::format("{}: no samples", name);
  return fmt::format("{} ms: p50 {:.0f}  p95 {:.0f}  p99 {:.0f}  (min {:.0f}, max {:.0f}, n={})", name,
                     summary->p50_ms, summary->p95_ms, summary->p99_ms, summary->min_ms, summary->max_ms,
                     summary->count);
}

nlohmann::json summary_json(const std::vector<double>& latencies_ms) {
  const auto summary = summarize_latencies(latencies_ms);
  if (!summary) return nullptr;
  return {{"n", summary->count},         {"p50", summary->p50_ms}, {"p95", summary->p95_ms},
          {"p99", summary->p99_ms},      {"min", summary->min_ms}, {"max", summary->max_ms}};
}

}  // namespace

std::string format_call_result_text(const CallReport& report) {
  if (!report.ok) return fmt::format("call failed: {}", report.error);
  std::string line = "call ok";
  line += report.latencies.greeting ? fmt::format(": greeting {:.0f} ms", to_ms(*report.latencies.greeting))
                                    : std::string(": no greeting");
  for (const TurnLatency& turn : report.latencies.turns) {
    line += turn.voice_to_voice ? fmt::format("; turn {} {:.0f} ms", turn.turn, to_ms(*turn.voice_to_voice))
                                : fmt::format("; turn {} (no answer)", turn.turn);
  }
  line += fmt::format("; {} marks returned, {} clears", report.marks_returned, report.clears_received);
  return line;
}

std::string format_call_result_json(const CallReport& report, int call_index) {
  nlohmann::ordered_json line;
  if (call_index > 0) line["call"] = call_index;
  line["result"] = report.ok ? "ok" : "failed";
  if (!report.ok) line["error"] = report.error;
  line["conversation_id"] = report.conversation_id;
  line["call_sid"] = report.call_sid;
  line["greeting_ms"] = report.latencies.greeting ? nlohmann::json(to_ms(*report.latencies.greeting)) : nullptr;
  nlohmann::json turns = nlohmann::json::array();
  for (const TurnLatency& turn : report.latencies.turns) {
    turns.push_back({{"turn", turn.turn},
                     {"voice_to_voice_ms",
                      turn.voice_to_voice ? nlohmann::json(to_ms(*turn.voice_to_voice)) : nullptr}});
  }
  line["turns"] = std::move(turns);
  line["marks_returned"] = report.marks_returned;
  line["clears_received"] = report.clears_received;
  line["frames_refused"] = report.frames_refused;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string format_load_summary_text(const std::vector<CallReport>& reports) {
  const CollectedLatencies collected = collect(reports);
  return fmt::format("calls: {} ok, {} failed\n{}\n{}\n", collected.ok, collected.failed,
                     summary_line("greeting", collected.greeting_ms),
                     summary_line("voice-to-voice", collected.voice_to_voice_ms));
}

std::string format_load_summary_json(const std::vector<CallReport>& reports) {
  const CollectedLatencies collected = collect(reports);
  nlohmann::ordered_json line;
  line["summary"] = {{"calls_ok", collected.ok},
                     {"calls_failed", collected.failed},
                     {"greeting_ms", summary_json(collected.greeting_ms)},
                     {"voice_to_voice_ms", summary_json(collected.voice_to_voice_ms)}};
  return line.dump();
}

}  // namespace callagent::callsim
