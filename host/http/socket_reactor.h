// Watches many long-lived sockets (the Media Stream WebSockets) with a few threads: one
// epoll set, `threads` threads waiting on it, and each ready socket handed to its client
// on whichever thread woke. Replaces one blocked thread per stream: under load a woken
// thread finds several sockets ready at once and goes through them without sleeping in
// between, where a thread per stream costs a sleep and a wake-up for every 20 ms frame.
//
// Edge-triggered, with a per-socket count of readiness events: the thread that takes a
// socket's first event runs on_readable, and events that arrive meanwhile make it run
// again instead of starting a second thread on it. So one client is never run by two
// threads at once, and no epoll_ctl is needed per event (EPOLLONESHOT's re-arm was ~3 %
// of the host's CPU). on_readable reads until the socket would block, or stops at a short
// read while the peer has not hung up (see Client::on_readable).
//
// Threading: add(), stop() and size() from any thread. Clients' on_tick runs on a reactor
// thread about once a second, possibly while the same client's on_readable runs on
// another. Ownership: the reactor holds a share of each client until its on_readable
// returns false; clients own their sockets (the reactor never closes one).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::host {

class SocketReactor {
 public:
  class Client {
   public:
    virtual ~Client() = default;
    // The socket is readable or hung up. False when the client is done with its socket
    // (it has closed it): the reactor lets go.
    // `peer_closing` false: the client may stop after a short read (recv returned less
    // than the space offered): the kernel had nothing more, and bytes that arrive later
    // raise a new edge. That saves the recv that would only say EAGAIN, one per frame.
    // `peer_closing` true (the peer hung up, the reading side was shut, or the socket
    // erred): read until recv returns 0 or would block — no further edge will come for
    // the end of the stream.
    virtual bool on_readable(bool peer_closing) = 0;
    // About once a second, for timeouts. Must be thread-safe against on_readable: the
    // usual move is shutting the socket's reading side, which on_readable then sees.
    virtual void on_tick() = 0;
    // The reactor is stopping: end the stream (again by shutting the reading side).
    virtual void on_stop() = 0;
  };

  // Starts `threads` threads (at least one) named `name`-N. Throws std::system_error when
  // the epoll set or the wake-up fd cannot be made.
  SocketReactor(std::size_t threads, std::string name = "streams");
  ~SocketReactor();
  SocketReactor(const SocketReactor&) = delete;
  SocketReactor& operator=(const SocketReactor&) = delete;

  // Watches `fd` for `client`. Fails once stop() has begun, or when epoll refuses the fd.
  Status add(int fd, std::shared_ptr<Client> client);
  // Asks every client to end (on_stop), waits up to `limit` for them to finish, then
  // stops the threads. Idempotent.
  void stop(std::chrono::milliseconds limit);
  std::size_t size() const;

 private:
  struct Registration {
    std::shared_ptr<Client> client;
    // Readiness events taken and not yet served; non-zero while a thread serves it.
    std::atomic<int> pending{0};
    // An event said the peer hung up (or the socket erred): read to the end from now on.
    std::atomic<bool> peer_closing{false};
  };

  void run(std::size_t index);
  void handle(std::uint64_t id, std::uint32_t events);
  void tick_all();

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::vector<std::thread> threads_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Registration>> registrations_;
  std::uint64_t next_id_ = 1;  // 0 is the wake-up fd
  bool stopping_ = false;
  std::atomic<bool> exiting_{false};
  std::atomic<std::int64_t> next_tick_ms_{0};
};

}  // namespace callagent::host
