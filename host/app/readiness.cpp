#include "host/app/readiness.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace callagent::host {

std::string ReadinessVerdict::json() const {
  nlohmann::json body = {{"ready", ready}};
  if (!ready) {
    nlohmann::json reasons = nlohmann::json::object();
    for (const auto& [check, why] : failing) reasons[check] = why;
    body["failing"] = std::move(reasons);
  }
  return body.dump() + "\n";
}

ReadinessCheck::ReadinessCheck(ReadinessInputs inputs, const TimeSource& time,
                               std::chrono::milliseconds ping_cache)
    : inputs_(std::move(inputs)), time_(time), ping_cache_(ping_cache) {}

Status ReadinessCheck::state_store_status() {
  std::lock_guard lock(ping_mutex_);
  const TimePoint now = time_.now();
  if (!pinged_at_ || now - *pinged_at_ >= ping_cache_) {
    last_ping_ = inputs_.ping_state_store();
    pinged_at_ = time_.now();
  }
  return last_ping_;
}

ReadinessVerdict ReadinessCheck::check() {
  ReadinessVerdict verdict;
  auto fail = [&verdict](std::string check, std::string why) {
    verdict.ready = false;
    verdict.failing.emplace_back(std::move(check), std::move(why));
  };
  if (!inputs_.pipeline_configured) {
    fail("pipeline", "providers.stt, providers.llm and providers.tts are not all configured");
  }
  if (inputs_.ping_state_store) {
    if (const Status pinged = state_store_status(); !pinged) {
      fail("state_store", fmt::format("{}: {}", to_string(pinged.code()), pinged.message()));
    }
  }
  if (inputs_.capacity) {
    const CapacityState capacity = inputs_.capacity();
    if (capacity.draining) fail("draining", "the host is shutting down and refuses new calls");
    if (capacity.live_calls + capacity.reserved_calls >= capacity.max_calls) {
      fail("capacity", fmt::format("at capacity: {} live and {} reserved of {} calls", capacity.live_calls,
                                   capacity.reserved_calls, capacity.max_calls));
    }
  }
  return verdict;
}

}  // namespace callagent::host
