#include "event_wait.h"

#include <poll.h>

#include <algorithm>
#include <climits>

namespace callagent::plugins::deepgram {

WaitResult wait_for_events(int socket_fd, int wakeup_fd, std::chrono::steady_clock::time_point deadline) {
  using std::chrono::milliseconds;
  const auto remaining = deadline - std::chrono::steady_clock::now();
  // Rounded up: rounding down would return just before the deadline and spin on a zero
  // timeout until it passed.
  const auto remaining_ms = std::chrono::ceil<milliseconds>(std::max(remaining, decltype(remaining)::zero())).count();
  const int timeout_ms = static_cast<int>(std::min<decltype(remaining_ms)>(remaining_ms, INT_MAX));

  // A negative fd is skipped by poll(2).
  pollfd fds[2] = {{socket_fd, POLLIN, 0}, {wakeup_fd, POLLIN, 0}};
  WaitResult result;
  if (::poll(fds, 2, timeout_ms) <= 0) return result;
  // Hang-up and errors count as readable: the next read reports them as a failure.
  result.readable = (fds[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0;
  result.woken = (fds[1].revents & POLLIN) != 0;
  return result;
}

}  // namespace callagent::plugins::deepgram
