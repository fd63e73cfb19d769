#include "tests/support/redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace callagent::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartTimeout = 10s;
constexpr auto kStopTimeout = 10s;

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const noexcept { return fd_; }

 private:
  int fd_;
};

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// A port the kernel just handed out and released: free unless someone grabs it meanwhile.
int free_loopback_port() {
  Socket socket;
  sockaddr_in address = loopback(0);
  if (socket.fd() < 0 || ::bind(socket.fd(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    throw std::runtime_error("cannot bind a loopback socket to find a free port");
  }
  socklen_t length = sizeof(address);
  if (::getsockname(socket.fd(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("getsockname failed");
  }
  return ntohs(address.sin_port);
}

}  // namespace

RedisServer::RedisServer() : RedisServer(Options{}) {}

RedisServer::RedisServer(Options options) : options_(std::move(options)) {
  if (::access(kProgram, X_OK) != 0) {
    throw std::runtime_error(std::string(kProgram) +
                             " is not installed; these tests need a real Redis. Install it with "
                             "`scripts/install-deps.sh --with-tests` (Debian package redis-server)");
  }
  // Another process may take the port between finding it and the server binding it: retry.
  std::string last_output;
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_loopback_port();
    try {
      start();
      return;
    } catch (const std::runtime_error& error) {
      last_output = error.what();
    }
  }
  throw std::runtime_error(last_output);
}

RedisServer::~RedisServer() {
  try {
    if (process_ != nullptr) {
      process_->send_signal(SIGCONT);
      stop();
    }
  } catch (...) {
  }
  process_.reset();  // SIGKILLs it if it is still there
}

std::string RedisServer::config_json(const std::string& extra) const {
  std::string json = "{\"host\": \"" + host_ + "\", \"port\": " + std::to_string(port_);
  if (!extra.empty()) json += ", " + extra;
  return json + "}";
}

void RedisServer::start() {
  std::vector<std::string> arguments{"--port", std::to_string(port_), "--bind", host_,
                                     "--save", "", "--appendonly", "no",
                                     "--dir", directory_.path(), "--daemonize", "no"};
  if (!options_.password.empty()) {
    arguments.insert(arguments.end(), {"--requirepass", options_.password});
  }
  process_ = std::make_unique<ChildProcess>(kProgram, arguments, directory_.path());
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (answers_ping()) return;
    if (process_->wait_for_exit(0ms)) break;
    std::this_thread::sleep_for(20ms);
  }
  const std::string printed = process_->output();
  process_.reset();
  throw std::runtime_error("redis-server on port " + std::to_string(port_) +
                           " did not start answering PING; its output:\n" + printed);
}

// One inline PING over a plain socket: "+PONG", or "-NOAUTH" when a password is required,
// both mean it accepts commands. "-LOADING" does not count.
bool RedisServer::answers_ping() const {
  Socket socket;
  if (socket.fd() < 0) return false;
  const timeval timeout{1, 0};
  ::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address = loopback(port_);
  if (::connect(socket.fd(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) return false;
  constexpr std::string_view kPing = "PING\r\n";
  if (::send(socket.fd(), kPing.data(), kPing.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(kPing.size())) {
    return false;
  }
  char buffer[64] = {};
  const ssize_t count = ::recv(socket.fd(), buffer, sizeof(buffer) - 1, 0);
  if (count <= 0) return false;
  const std::string_view answer(buffer, static_cast<std::size_t>(count));
  return answer.starts_with("+PONG") || answer.starts_with("-NOAUTH");
}

void RedisServer::stop() {
  if (process_ == nullptr) return;
  process_->send_signal(SIGCONT);
  process_->send_signal(SIGTERM);
  if (!process_->wait_for_exit(kStopTimeout)) {
    process_->send_signal(SIGKILL);
    process_->wait_for_exit(kStopTimeout);
  }
  process_.reset();
}

void RedisServer::kill() {
  if (process_ == nullptr) return;
  process_->send_signal(SIGKILL);
  process_->wait_for_exit(kStopTimeout);
  process_.reset();
}

void RedisServer::restart() {
  stop();
  start();
}

void RedisServer::pause() {
  if (process_ != nullptr) process_->send_signal(SIGSTOP);
}

void RedisServer::resume() {
  if (process_ != nullptr) process_->send_signal(SIGCONT);
}

std::string RedisServer::output() const { return process_ != nullptr ? process_->output() : std::string(); }

}  // namespace callagent::testing
