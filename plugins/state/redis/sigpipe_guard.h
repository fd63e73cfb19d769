// Keeps a write to a socket the peer closed from killing the process with SIGPIPE.
//
// hiredis writes with write(2), which raises SIGPIPE on a reset connection. The host ignores
// SIGPIPE, but a plugin must not depend on its host for that, so every command runs with
// SIGPIPE blocked in the calling thread; a SIGPIPE it raised is consumed before unblocking.
// Costs three system calls per command, nothing next to a network round trip.
#pragma once

#include <signal.h>

namespace callagent::plugins::redis {

// Scope guard for the calling thread only. Not copyable.
class SigpipeGuard {
 public:
  SigpipeGuard() noexcept;
  ~SigpipeGuard();
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t previous_mask_{};
  bool was_pending_ = false;  // a SIGPIPE that was pending before belongs to someone else
  bool active_ = false;
};

}  // namespace callagent::plugins::redis
