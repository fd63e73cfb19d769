// A loopback TCP load balancer: accepts on 127.0.0.1:<port> and relays each connection,
// byte for byte in both directions, to the backend that has the fewest open connections.
//
// Why the bench needs it: each mock vendor server serves a bounded number of connections at
// once (its Poco thread limit), while every call holds one persistent connection to each
// vendor. The bench runs several instances ("shards") of a mock vendor and puts one of these
// in front, so the host's single base_url reaches all of them. It is one thread with epoll
// and non-blocking sockets; its CPU is the bench's, and each message pays one extra loopback
// hop (tens of microseconds), reported as such.
//
// Threading: start()/stop() from one thread; relaying runs on the balancer's own thread.
// connections() is safe from any thread.
// Lifetime: stop() (or the destructor) closes every relayed connection and joins.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace callagent::bench {

class TcpBalancer {
 public:
  explicit TcpBalancer(std::vector<std::uint16_t> backend_ports);
  ~TcpBalancer();
  TcpBalancer(const TcpBalancer&) = delete;
  TcpBalancer& operator=(const TcpBalancer&) = delete;

  // Binds 127.0.0.1 on a free port and starts relaying. Empty on success, else the error.
  std::string start();
  void stop();

  std::uint16_t port() const noexcept { return port_; }
  std::uint64_t connections() const noexcept { return accepted_.load(); }

 private:
  struct Endpoint;
  struct Connection;
  void run();

  std::vector<std::uint16_t> backend_ports_;
  std::vector<int> backend_open_;  // open connections per backend (balancer thread only)
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<std::uint64_t> accepted_{0};
  std::thread thread_;
};

}  // namespace callagent::bench
