// How many calls this host carries, against server.max_calls. A call counts from the
// moment its webhook is answered (a reservation, which lapses if no stream follows)
// until its stream ends, so a burst of webhooks cannot overbook the host.
//
// Threading: thread-safe. Reservations are per conversation id, so a stream that lands
// on another host (several hosts behind a load balancer) simply reserves there.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "host/runtime/clock.h"

namespace callagent::telephony {

class CallCapacity {
 public:
  CallCapacity(std::size_t max_calls, const host::TimeSource& time,
               std::chrono::seconds reservation_lifetime = std::chrono::seconds(60));

  // For the webhook: reserves a slot for the conversation; false when full.
  bool reserve(const std::string& conversation_id);
  // For the stream: turns the reservation into a live call, or takes a fresh slot if
  // this host made no reservation; false when full.
  bool attach(const std::string& conversation_id);
  // The call's stream ended.
  void release();

  std::size_t live_calls() const;
  std::size_t reserved_calls() const;
  std::size_t max_calls() const noexcept { return max_calls_; }
  // Refuse new calls from now on (graceful drain); live calls are unaffected.
  void close_for_new_calls();
  bool closed_for_new_calls() const;

 private:
  void drop_lapsed_reservations(host::TimePoint now);

  const std::size_t max_calls_;
  const host::TimeSource& time_;
  const std::chrono::seconds reservation_lifetime_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, host::TimePoint> reservations_;  // id → lapses at
  std::size_t live_calls_ = 0;
  bool closed_ = false;
};

}  // namespace callagent::telephony
