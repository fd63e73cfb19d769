// How fast this machine is at what the host spends its time on, measured before a run, so
// figures from different days (or a VM whose neighbours changed) can be compared: the same
// build measured 20–30 % apart in CPU per call-second on one 2-core VM on different days.
//
// - loopback round trip: a 160-byte message over TCP on 127.0.0.1 to a thread that sends
//   it back (TCP_NODELAY), median of 2000 — two syscalls, two loopback deliveries and two
//   thread wake-ups each, the host's per-frame path in miniature;
// - compute: a fixed loop of floating-point work, no syscalls.
//
// Threading: runs its own echo thread and joins it. Takes ~0.1–0.3 s.
#pragma once

#include <optional>

namespace callagent::bench {

struct MachineSpeed {
  double loopback_round_trip_us_p50 = 0;
  double loopback_round_trip_us_p90 = 0;
  double compute_loop_ms = 0;  // 50 million multiply-adds
};

// Empty if a socket could not be made (nothing is measured then).
std::optional<MachineSpeed> measure_machine_speed();

}  // namespace callagent::bench
