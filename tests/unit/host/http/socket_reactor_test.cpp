// SocketReactor on socket pairs: every byte written reaches its client, one client is
// never run by two threads at once, a short read is enough until the peer hangs up, ticks
// come, stop ends every client, and a client that is done is let go.
#include "host/http/socket_reactor.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

namespace callagent::host {
namespace {

using namespace std::chrono_literals;

template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// Reads its end of a socket pair until it would block; ends (closing it) at end of file.
class CountingClient final : public SocketReactor::Client {
 public:
  explicit CountingClient(int fd) : fd_(fd) {}
  ~CountingClient() override {
    if (fd_ >= 0) ::close(fd_);
  }

  bool on_readable(bool /*peer_closing*/) override {
    if (running_.fetch_add(1) != 0) overlapped_ = true;
    bool keep = true;
    for (;;) {
      char buffer[256];
      const ssize_t received = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (received > 0) {
        bytes_ += static_cast<std::size_t>(received);
        std::this_thread::sleep_for(100us);  // widen the window for a second thread
        continue;
      }
      if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      ::close(fd_);  // end of file (or an error): done with the socket
      fd_ = -1;
      ended_ = true;
      keep = false;
      break;
    }
    running_.fetch_sub(1);
    return keep;
  }
  void on_tick() override { ++ticks_; }
  void on_stop() override { ::shutdown(fd_, SHUT_RD); }

  std::atomic<std::size_t> bytes_{0};
  std::atomic<int> ticks_{0};
  std::atomic<bool> ended_{false};
  std::atomic<bool> overlapped_{false};

 private:
  int fd_;
  std::atomic<int> running_{0};
};

struct Pair {
  int ours = -1;
  int theirs = -1;
};

Pair socket_pair() {
  int fds[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  return {fds[0], fds[1]};
}

TEST(SocketReactor, EveryByteReachesItsClientAndNoClientRunsOnTwoThreads) {
  SocketReactor reactor(4);
  std::vector<std::shared_ptr<CountingClient>> clients;
  std::vector<int> writers;
  for (int index = 0; index < 8; ++index) {
    const Pair pair = socket_pair();
    clients.push_back(std::make_shared<CountingClient>(pair.ours));
    writers.push_back(pair.theirs);
    ASSERT_TRUE(reactor.add(pair.ours, clients.back()));
  }
  // Many small writes in quick succession: edges arrive while the client is reading.
  const std::string chunk(100, 'x');
  for (int round = 0; round < 200; ++round) {
    for (const int writer : writers) ASSERT_EQ(::send(writer, chunk.data(), chunk.size(), 0), 100);
  }
  for (const auto& client : clients) {
    EXPECT_TRUE(eventually([&] { return client->bytes_.load() == 200U * 100U; })) << client->bytes_.load();
    EXPECT_FALSE(client->overlapped_.load());
  }
  // End of file: each client ends and the reactor lets it go.
  for (const int writer : writers) ::close(writer);
  EXPECT_TRUE(eventually([&] { return reactor.size() == 0; }));
  for (const auto& client : clients) EXPECT_TRUE(client->ended_.load());
}

// Reads once per call while the peer is open (a short read drains the socket), to the
// end when the reactor says the peer is closing.
class ShortReadClient final : public SocketReactor::Client {
 public:
  explicit ShortReadClient(int fd) : fd_(fd) {}
  ~ShortReadClient() override {
    if (fd_ >= 0) ::close(fd_);
  }

  bool on_readable(bool peer_closing) override {
    ++calls_;
    for (;;) {
      char buffer[4096];
      const ssize_t received = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (received > 0) {
        bytes_ += static_cast<std::size_t>(received);
        if (!peer_closing && static_cast<std::size_t>(received) < sizeof buffer) return true;
        continue;
      }
      if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      ::close(fd_);
      fd_ = -1;
      ended_ = true;
      return false;
    }
  }
  void on_tick() override {}
  void on_stop() override { ::shutdown(fd_, SHUT_RD); }

  std::atomic<std::size_t> bytes_{0};
  std::atomic<int> calls_{0};
  std::atomic<bool> ended_{false};

 private:
  int fd_;
};

TEST(SocketReactor, AfterAShortReadTheNextBytesAreANewEvent) {
  SocketReactor reactor(1);
  const Pair pair = socket_pair();
  auto client = std::make_shared<ShortReadClient>(pair.ours);
  ASSERT_TRUE(reactor.add(pair.ours, client));
  const std::string chunk(160, 'x');
  for (int round = 0; round < 20; ++round) {
    ASSERT_EQ(::send(pair.theirs, chunk.data(), chunk.size(), 0), 160);
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_TRUE(eventually([&] { return client->bytes_.load() == 20U * 160U; })) << client->bytes_.load();
  ::close(pair.theirs);
  EXPECT_TRUE(eventually([&] { return client->ended_.load(); }));
}

// Bytes and the hang-up in one event: a client that stopped at the short read would never
// hear of the end again, so the reactor tells it to read to the end.
TEST(SocketReactor, BytesAndTheHangUpInOneEventAreReadToTheEnd) {
  SocketReactor reactor(1);
  const Pair pair = socket_pair();
  const std::string last_words(100, 'y');
  ASSERT_EQ(::send(pair.theirs, last_words.data(), last_words.size(), 0), 100);
  ::close(pair.theirs);
  auto client = std::make_shared<ShortReadClient>(pair.ours);
  ASSERT_TRUE(reactor.add(pair.ours, client));  // already readable and hung up: one edge
  EXPECT_TRUE(eventually([&] { return client->ended_.load(); }, 3s)) << client->calls_.load() << " calls";
  EXPECT_EQ(client->bytes_.load(), 100U);
  EXPECT_TRUE(eventually([&] { return reactor.size() == 0; }));
}

TEST(SocketReactor, TicksComeAboutOnceASecond) {
  SocketReactor reactor(1);
  const Pair pair = socket_pair();
  auto client = std::make_shared<CountingClient>(pair.ours);
  ASSERT_TRUE(reactor.add(pair.ours, client));
  EXPECT_TRUE(eventually([&] { return client->ticks_.load() >= 2; }, 5s));
  ::close(pair.theirs);
}

TEST(SocketReactor, StopEndsEveryClientAndRefusesNewOnes) {
  SocketReactor reactor(2);
  std::vector<std::shared_ptr<CountingClient>> clients;
  std::vector<int> writers;
  for (int index = 0; index < 3; ++index) {
    const Pair pair = socket_pair();
    clients.push_back(std::make_shared<CountingClient>(pair.ours));
    writers.push_back(pair.theirs);
    ASSERT_TRUE(reactor.add(pair.ours, clients.back()));
  }
  reactor.stop(5s);
  for (const auto& client : clients) EXPECT_TRUE(client->ended_.load());
  EXPECT_EQ(reactor.size(), 0U);
  const Pair late = socket_pair();
  EXPECT_FALSE(reactor.add(late.ours, std::make_shared<CountingClient>(late.ours)));
  for (const int writer : writers) ::close(writer);
  ::close(late.theirs);
}

}  // namespace
}  // namespace callagent::host
