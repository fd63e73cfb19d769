// Decides whether the store may try Redis now, and logs outages once.
//
// An outage starts when a connect attempt cannot reach the server. From then on every
// operation fails fast with `unavailable` without touching the network, until the backoff
// (reconnect_backoff_initial_ms, doubling on each failed retry up to
// reconnect_backoff_max_ms) has elapsed; then ONE operation is let through to try a
// connect (the probe) while the others keep failing fast. A successful connect ends the
// outage. The start is logged once (error; warn when it is found at start-up), the end once
// at info with its length and the number of operations that failed meanwhile.
//
// Threading: every method is thread-safe. One mutex guards the state; the start and end
// lines are logged while holding it, so they can never appear in the wrong order (the
// Logger is thread-safe and never calls back into the store). Lifetime: keeps a reference
// to the logger, which must outlive the tracker (the host's provider logger does).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "callagent/plugin_api.h"

namespace callagent::plugins::redis {

class OutageTracker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using NowFunction = std::function<TimePoint()>;

  // `now` empty: the steady clock. Tests inject one.
  OutageTracker(std::string endpoint, std::chrono::milliseconds backoff_initial,
                std::chrono::milliseconds backoff_max, Logger& logger, NowFunction now = {});

  struct Admission {
    Status refusal;      // not ok: fail the operation with it (already counted)
    bool probe = false;  // ok and true: this operation is the one retry of an outage
  };
  // Called before an operation may use the network.
  Admission admit();

  // A connect could not reach the server; returns the `unavailable` status for the
  // operation (counted as an outage failure). `probe` is Admission::probe.
  Status connect_failed(std::string_view reason, bool probe);
  // A connect reached the server: ends an outage, if any.
  void connect_succeeded();
  // The probe ended without trying to connect (e.g. it found no free pool slot).
  void probe_abandoned();

  // Until this is called, an outage start is logged as a start-up warning.
  void finish_start_up();

  bool in_outage() const;
  // Operations failed during outages since the store was created.
  std::uint64_t outage_failures() const;

 private:
  Status refusal_locked(TimePoint now) const;

  const std::string endpoint_;
  const std::chrono::milliseconds backoff_initial_;
  const std::chrono::milliseconds backoff_max_;
  Logger& logger_;
  const NowFunction now_;

  mutable std::mutex mutex_;
  bool starting_up_ = true;
  bool in_outage_ = false;
  bool probing_ = false;
  std::string reason_;
  TimePoint outage_started_{};
  TimePoint retry_at_{};
  std::chrono::milliseconds backoff_{};
  std::uint64_t failures_this_outage_ = 0;
  std::uint64_t failures_total_ = 0;
};

}  // namespace callagent::plugins::redis
