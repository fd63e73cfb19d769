// The worker's one blocking wait while connected: sleeps until the socket has data, the
// wake-up signal fires, or the deadline (the next timer: KeepAlive, close drain) passes.
// Nothing runs between events, and audio queued by send_audio wakes the worker at once.
//
// poll(2) on the two fds rather than an epoll set: the set never changes during a
// connection and has two members, so one poll() is one syscall with nothing to set up or
// tear down, where epoll would add an fd and three syscalls per connection (create, two
// ctl) to save nothing measurable at this size. (What cost CPU before was Poco's
// Socket::poll building and closing an epoll set on every 10 ms tick.)
//
// Threading: call from the thread that owns the socket.
#pragma once

#include <chrono>

namespace callagent::plugins::deepgram {

struct WaitResult {
  bool readable = false;  // the socket has data, or hung up / failed (a read will say which)
  bool woken = false;     // the wake-up fd was signalled
};

// `wakeup_fd` < 0: wait for the socket and the deadline only. A deadline already passed
// checks once without sleeping. EINTR returns an empty result (the caller loops anyway).
WaitResult wait_for_events(int socket_fd, int wakeup_fd, std::chrono::steady_clock::time_point deadline);

}  // namespace callagent::plugins::deepgram
