// The host's own latency histograms, read from its GET /metrics at the end of a run: what
// the host measured inside itself, where the wire cannot see — e.g. barge-in reaction, from
// the speech event reaching the call to `clear` sent (the budget's ≤ 5 ms).
//
// Threading: plain functions; the fetch blocks for one HTTP request.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace callagent::bench {

struct HostHistogram {
  std::map<double, std::uint64_t> cumulative;  // upper bound (le) → count at or below it
  std::uint64_t count = 0;
  double sum = 0;

  // The smallest bucket bound that holds `fraction` of the observations (an upper bound on
  // that percentile); nullopt when empty.
  std::optional<double> percentile_at_most(double fraction) const;
  // The share of observations at or below `bound` (a bucket bound); 0 when empty.
  double share_at_most(double bound) const;
  nlohmann::json to_json() const;
};

// Parses one histogram family (e.g. "callagent_barge_in_reaction_latency_milliseconds")
// from Prometheus text; an empty histogram when absent.
HostHistogram parse_histogram(const std::string& metrics_text, const std::string& family);

// GET /metrics from the host; empty text (after saying why on stderr) when it fails.
std::string fetch_metrics(std::uint16_t port, const std::string& bearer_token);

}  // namespace callagent::bench
