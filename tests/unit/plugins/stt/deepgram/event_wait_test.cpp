// The worker's wait: the wake-up eventfd and poll(2) on it beside a socket. A socketpair
// stands in for the Deepgram connection. No timing assertions: only deadlines already
// passed, or events that are already there, so no wait here ever sleeps.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "plugins/stt/deepgram/event_wait.h"
#include "plugins/stt/deepgram/wakeup_signal.h"

namespace callagent::plugins::deepgram {
namespace {

using Clock = std::chrono::steady_clock;

class SocketPair {
 public:
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0); }
  ~SocketPair() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
  int near() const { return fds_[0]; }
  int far() const { return fds_[1]; }

 private:
  int fds_[2] = {-1, -1};
};

TEST(EventWait, APassedDeadlineWithNothingPendingReturnsEmpty) {
  SocketPair sockets;
  WakeupSignal wakeup;
  const WaitResult result = wait_for_events(sockets.near(), wakeup.fd(), Clock::now() - std::chrono::seconds(1));
  EXPECT_FALSE(result.readable);
  EXPECT_FALSE(result.woken);
}

TEST(EventWait, ASignalWakesTheWaitUntilCleared) {
  SocketPair sockets;
  WakeupSignal wakeup;
  wakeup.signal();
  wakeup.signal();  // several signals are one wake-up
  const auto far_future = Clock::now() + std::chrono::hours(1);
  const WaitResult woken = wait_for_events(sockets.near(), wakeup.fd(), far_future);
  EXPECT_TRUE(woken.woken);
  EXPECT_FALSE(woken.readable);
  wakeup.clear();
  EXPECT_FALSE(wait_for_events(sockets.near(), wakeup.fd(), Clock::now()).woken);
  wakeup.clear();  // clearing when nothing is signalled is harmless
}

TEST(EventWait, SocketDataAndHangUpAreReadable) {
  SocketPair sockets;
  WakeupSignal wakeup;
  const auto far_future = Clock::now() + std::chrono::hours(1);
  ASSERT_EQ(::write(sockets.far(), "x", 1), 1);
  const WaitResult data = wait_for_events(sockets.near(), wakeup.fd(), far_future);
  EXPECT_TRUE(data.readable);
  EXPECT_FALSE(data.woken);
  ::shutdown(sockets.far(), SHUT_RDWR);
  char byte = 0;
  ASSERT_EQ(::read(sockets.near(), &byte, 1), 1);
  EXPECT_TRUE(wait_for_events(sockets.near(), wakeup.fd(), far_future).readable);  // EOF
}

TEST(EventWait, WithoutAWakeupFdOnlyTheSocketAndDeadlineCount) {
  SocketPair sockets;
  const WaitResult result = wait_for_events(sockets.near(), -1, Clock::now());
  EXPECT_FALSE(result.readable);
  EXPECT_FALSE(result.woken);
}

}  // namespace
}  // namespace callagent::plugins::deepgram
