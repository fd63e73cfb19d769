// A real redis-server (Debian's /usr/bin/redis-server) for tests: started on a free
// loopback port with its own temporary directory and no persistence, and stopped (SIGTERM,
// then SIGKILL) in the destructor. It can be stopped, killed, paused and started again on
// the same port, to play an outage.
//
// When redis-server is not installed the constructor throws std::runtime_error saying how
// to install it: tests must fail, not skip (CI installs it with
// `scripts/install-deps.sh --with-tests`).
//
// Threading: use from one test thread. Only process management here: no Redis client
// library; readiness is a PING over a plain socket.
#pragma once

#include <memory>
#include <string>

#include "tests/support/child_process.h"

namespace callagent::testing {

class RedisServer {
 public:
  static constexpr const char* kProgram = "/usr/bin/redis-server";

  struct Options {
    std::string password;  // non-empty: --requirepass
  };

  // Starts the server and waits until it answers PING; throws std::runtime_error (with
  // the server's output) when it cannot.
  RedisServer();
  explicit RedisServer(Options options);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  const std::string& host() const noexcept { return host_; }
  int port() const noexcept { return port_; }
  // {"host": "127.0.0.1", "port": N} plus `extra` members (text like `"pool_size": 2`).
  std::string config_json(const std::string& extra = {}) const;

  bool running() const noexcept { return process_ != nullptr; }
  // SIGTERM and wait for exit (the port is closed when it returns).
  void stop();
  // SIGKILL and wait for exit.
  void kill();
  // Starts again on the same port (after stop() or kill(); stops a running one first).
  void restart();
  // SIGSTOP / SIGCONT: the server keeps its sockets but answers nothing while paused.
  void pause();
  void resume();
  // Everything the current process printed.
  std::string output() const;

 private:
  void start();
  bool answers_ping() const;

  Options options_;
  std::string host_ = "127.0.0.1";
  int port_ = 0;
  TemporaryDirectory directory_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace callagent::testing
