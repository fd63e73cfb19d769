// The host config the benchmark runs with: the production vendor plugins pointed at the
// VendorFarm, state_memory, events_jsonfile (no fsync; optionally every event, for the
// turn.metrics stage timings), and server limits sized for the load (max_calls, HTTP
// threads, listen queue).
//
// Threading: pure.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "tools/bench/bench_options.h"
#include "tools/bench/vendor_farm.h"

namespace callagent::bench {

inline constexpr const char* kBenchAuthToken = "bench-twilio-auth-token";
// Bearer token of the host's operator API, for reading its GET /metrics at the end.
inline constexpr const char* kBenchApiToken = "bench-api-token";

nlohmann::json make_host_config(const BenchOptions& options, const VendorFarm& vendors, std::uint16_t port,
                                const std::string& transcripts_dir);

}  // namespace callagent::bench
