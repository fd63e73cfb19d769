// GET /readyz's verdict: may a load balancer send this host new calls?
//
// Ready only when every check passes:
//   pipeline     the STT, LLM and TTS plugins are loaded (without them calls get an apology)
//   state_store  the state store answers ping(); the answer is cached for `ping_cache`
//                (1 s), and only one probe at a time pings (others wait for its answer),
//                so probes cannot hammer the store; a ping is bounded by the store's own
//                timeout (plugin API rule)
//   capacity     live calls + reservations are below server.max_calls
//   draining     the host has not begun its shutdown drain (CallService::end_calls)
//
// Ownership: owns its inputs (functions over objects that outlive it). Threading: check()
// runs on HTTP threads, concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "callagent/plugin_api/status.h"
#include "host/runtime/clock.h"

namespace callagent::host {

struct CapacityState {
  std::size_t live_calls = 0;
  std::size_t reserved_calls = 0;
  std::size_t max_calls = 0;
  bool draining = false;
};

struct ReadinessInputs {
  bool pipeline_configured = false;
  std::function<Status()> ping_state_store;  // null: no store to check
  std::function<CapacityState()> capacity;   // null: no capacity check
};

struct ReadinessVerdict {
  bool ready = true;
  std::vector<std::pair<std::string, std::string>> failing;  // check name → why, in check order
  // {"ready":true} or {"ready":false,"failing":{"state_store":"…",…}}
  std::string json() const;
};

class ReadinessCheck {
 public:
  ReadinessCheck(ReadinessInputs inputs, const TimeSource& time,
                 std::chrono::milliseconds ping_cache = std::chrono::milliseconds(1000));

  ReadinessVerdict check();

 private:
  Status state_store_status();

  ReadinessInputs inputs_;
  const TimeSource& time_;
  const std::chrono::milliseconds ping_cache_;
  std::mutex ping_mutex_;  // held while pinging: one ping at a time
  std::optional<TimePoint> pinged_at_;
  Status last_ping_;
};

}  // namespace callagent::host
