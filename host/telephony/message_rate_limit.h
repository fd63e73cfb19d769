// How fast one Media Stream may send messages. Twilio sends 50 media frames a second
// plus the odd mark or DTMF; network jitter can bunch a second's worth together. A peer
// far above that is not Twilio behaving: each message over the limit is dropped and
// counted as a bad frame (so a sustained flood closes the socket by the bad-frame policy)
// instead of costing the call's pipeline CPU.
//
// A token bucket: `burst` messages at once, refilled at `per_second`.
// Threading: single-threaded (the connection's reader thread). Time is passed in.
#pragma once

#include <chrono>
#include <cstddef>

#include "host/runtime/clock.h"

namespace callagent::telephony {

class MessageRateLimit {
 public:
  MessageRateLimit(double per_second, std::size_t burst);

  // True if a message arriving `now` is within the limit (and takes a token).
  bool allow(host::TimePoint now) noexcept;

 private:
  const double per_second_;
  const double burst_;
  double tokens_;
  host::TimePoint last_{};
  bool started_ = false;
};

}  // namespace callagent::telephony
