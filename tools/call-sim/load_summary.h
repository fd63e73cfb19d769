// call-sim's closing lines: one result line per call, and for --calls N a summary of how
// many calls succeeded and the greeting and voice-to-voice latency percentiles.
//
// Threading: pure functions.
#pragma once

#include <string>
#include <vector>

#include "tools/call-sim/simulated_call.h"

namespace callagent::callsim {

// "call ok: greeting 812 ms; turn 1 1234 ms, turn 2 (no answer)" or "call failed: <error>".
std::string format_call_result_text(const CallReport& report);
std::string format_call_result_json(const CallReport& report, int call_index);

// "calls: 19 ok, 1 failed\ngreeting ms: p50 … p95 … p99 … (n=19)\nvoice-to-voice ms: …"
std::string format_load_summary_text(const std::vector<CallReport>& reports);
std::string format_load_summary_json(const std::vector<CallReport>& reports);

}  // namespace callagent::callsim
