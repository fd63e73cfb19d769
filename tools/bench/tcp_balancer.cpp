#include "tools/bench/tcp_balancer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <unordered_set>

namespace callagent::bench {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
// Stop reading from one side while this much is waiting to be written to the other.
constexpr std::size_t kMaxPending = 1024 * 1024;

void set_non_blocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

void set_no_delay(int fd) {
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

struct TcpBalancer::Endpoint {
  int fd = -1;
  Endpoint* peer = nullptr;
  Connection* connection = nullptr;
  std::string pending;       // bytes from the peer waiting to be written to fd
  bool read_closed = false;  // fd reached end of input
  bool write_shut = false;   // we shut down fd's sending side
  std::uint32_t interest = 0;
};

struct TcpBalancer::Connection {
  Endpoint client;
  Endpoint backend;
  std::size_t backend_index = 0;
  bool closed = false;
};

TcpBalancer::TcpBalancer(std::vector<std::uint16_t> backend_ports)
    : backend_ports_(std::move(backend_ports)), backend_open_(backend_ports_.size(), 0) {}

TcpBalancer::~TcpBalancer() { stop(); }

std::string TcpBalancer::start() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int on = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address = loopback(0);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 4096) != 0) {
    return std::string("balancer cannot listen: ") + std::strerror(errno);
  }
  socklen_t length = sizeof address;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = nullptr;  // the listening socket
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &event);
  event.data.ptr = &wake_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
  thread_ = std::thread([this] { run(); });
  return {};
}

void TcpBalancer::stop() {
  if (!thread_.joinable()) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(listen_fd_);
  ::close(epoll_fd_);
  ::close(wake_fd_);
}

void TcpBalancer::run() {
  std::unordered_set<Connection*> live;
  std::vector<Connection*> finished;

  const auto update_interest = [&](Endpoint& endpoint) {
    std::uint32_t wanted = 0;
    if (!endpoint.read_closed && endpoint.peer->pending.size() < kMaxPending) wanted |= EPOLLIN;
    if (!endpoint.pending.empty()) wanted |= EPOLLOUT;
    if (wanted == endpoint.interest) return;
    endpoint.interest = wanted;
    epoll_event event{};
    event.events = wanted;
    event.data.ptr = &endpoint;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, endpoint.fd, &event);
  };
  const auto close_connection = [&](Connection& connection) {
    if (connection.closed) return;
    connection.closed = true;
    ::close(connection.client.fd);
    ::close(connection.backend.fd);
    --backend_open_[connection.backend_index];
    finished.push_back(&connection);
  };
  // After a change on `endpoint`: shut down write sides whose input ended and drained, and
  // close the connection when both directions are done.
  const auto settle = [&](Endpoint& endpoint) {
    Connection& connection = *endpoint.connection;
    for (Endpoint* side : {&connection.client, &connection.backend}) {
      if (side->peer->read_closed && side->pending.empty() && !side->write_shut) {
        ::shutdown(side->fd, SHUT_WR);
        side->write_shut = true;
      }
    }
    if (connection.client.write_shut && connection.backend.write_shut) {
      close_connection(connection);
      return;
    }
    update_interest(connection.client);
    update_interest(connection.backend);
  };
  // Writes as much of `endpoint.pending` as the socket takes; false on a hard error.
  const auto flush = [](Endpoint& endpoint) {
    while (!endpoint.pending.empty()) {
      const ssize_t sent = ::send(endpoint.fd, endpoint.pending.data(), endpoint.pending.size(), MSG_NOSIGNAL);
      if (sent < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
      endpoint.pending.erase(0, static_cast<std::size_t>(sent));
    }
    return true;
  };
  const auto accept_all = [&] {
    while (true) {
      const int client_fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (client_fd < 0) return;
      const auto least = static_cast<std::size_t>(
          std::min_element(backend_open_.begin(), backend_open_.end()) - backend_open_.begin());
      const int backend_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in address = loopback(backend_ports_[least]);
      if (backend_fd < 0 || ::connect(backend_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        if (backend_fd >= 0) ::close(backend_fd);
        ::close(client_fd);
        continue;
      }
      set_non_blocking(backend_fd);
      set_no_delay(backend_fd);
      set_no_delay(client_fd);
      ++accepted_;
      ++backend_open_[least];
      auto* connection = new Connection;
      connection->backend_index = least;
      connection->client.fd = client_fd;
      connection->backend.fd = backend_fd;
      connection->client.peer = &connection->backend;
      connection->backend.peer = &connection->client;
      connection->client.connection = connection;
      connection->backend.connection = connection;
      for (Endpoint* side : {&connection->client, &connection->backend}) {
        side->interest = EPOLLIN;
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.ptr = side;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, side->fd, &event);
      }
      live.insert(connection);
    }
  };

  std::vector<epoll_event> events(256);
  std::vector<char> buffer(kReadChunk);
  bool stopping = false;
  while (!stopping) {
    const int count = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), -1);
    if (count < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int index = 0; index < count; ++index) {
      const epoll_event& event = events[static_cast<std::size_t>(index)];
      if (event.data.ptr == nullptr) {
        accept_all();
        continue;
      }
      if (event.data.ptr == &wake_fd_) {
        stopping = true;
        continue;
      }
      auto& endpoint = *static_cast<Endpoint*>(event.data.ptr);
      Connection& connection = *endpoint.connection;
      if (connection.closed) continue;
      if ((event.events & EPOLLOUT) != 0 && !flush(endpoint)) {
        close_connection(connection);
        continue;
      }
      if ((event.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0 && !endpoint.read_closed) {
        const ssize_t received = ::recv(endpoint.fd, buffer.data(), buffer.size(), 0);
        if (received > 0) {
          endpoint.peer->pending.append(buffer.data(), static_cast<std::size_t>(received));
          if (!flush(*endpoint.peer)) {
            close_connection(connection);
            continue;
          }
        } else if (received == 0) {
          endpoint.read_closed = true;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          close_connection(connection);
          continue;
        }
      } else if ((event.events & (EPOLLERR | EPOLLHUP)) != 0) {
        // Input already ended and the socket hung up both ways: nothing more can move.
        close_connection(connection);
        continue;
      }
      settle(endpoint);
    }
    for (Connection* connection : finished) {
      live.erase(connection);
      delete connection;
    }
    finished.clear();
  }
  for (Connection* connection : live) {
    close_connection(*connection);
    delete connection;
  }
}

}  // namespace callagent::bench
