#include "host/http/socket_reactor.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <spdlog/spdlog.h>

namespace callagent::host {
namespace {

constexpr std::uint32_t kWatchFlags = EPOLLIN | EPOLLRDHUP | EPOLLET;
constexpr std::uint64_t kWakeId = 0;
constexpr int kMaxEventsPerWait = 64;
constexpr std::int64_t kTickIntervalMs = 1000;

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SocketReactor::SocketReactor(std::size_t threads, std::string name) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    ::close(epoll_fd_);
    throw std::system_error(errno, std::generic_category(), "eventfd");
  }
  // Level-triggered and never re-armed: once signalled at stop, it wakes every thread.
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.u64 = kWakeId;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake);
  next_tick_ms_ = steady_ms() + kTickIntervalMs;
  const std::size_t count = threads == 0 ? 1 : threads;
  for (std::size_t index = 0; index < count; ++index) {
    threads_.emplace_back([this, index] { run(index); });
    const std::string thread_name = (name + "-" + std::to_string(index)).substr(0, 15);
    pthread_setname_np(threads_.back().native_handle(), thread_name.c_str());
  }
}

SocketReactor::~SocketReactor() {
  stop(std::chrono::milliseconds(0));
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

Status SocketReactor::add(int fd, std::shared_ptr<Client> client) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return Status(ErrorCode::unavailable, "the host is shutting down");
    id = next_id_++;
    auto registration = std::make_shared<Registration>();
    registration->client = std::move(client);
    registrations_.emplace(id, std::move(registration));
  }
  epoll_event event{};
  event.events = kWatchFlags;
  event.data.u64 = id;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    const int error = errno;
    std::lock_guard lock(mutex_);
    registrations_.erase(id);
    return Status(ErrorCode::internal, std::string("cannot watch the socket: ") + std::strerror(error));
  }
  return Status::ok();
}

std::size_t SocketReactor::size() const {
  std::lock_guard lock(mutex_);
  return registrations_.size();
}

void SocketReactor::stop(std::chrono::milliseconds limit) {
  std::vector<std::shared_ptr<Client>> clients;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    for (const auto& [id, registration] : registrations_) clients.push_back(registration->client);
  }
  for (const auto& client : clients) client->on_stop();
  clients.clear();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (size() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (const std::size_t left = size(); left > 0) {
    spdlog::warn("{} streams had not ended when the stream threads stopped", left);
  }
  exiting_ = true;
  const std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  std::lock_guard lock(mutex_);
  registrations_.clear();
}

void SocketReactor::run(std::size_t index) {
  epoll_event events[kMaxEventsPerWait];
  while (!exiting_.load()) {
    const int ready = ::epoll_wait(epoll_fd_, events, kMaxEventsPerWait, static_cast<int>(kTickIntervalMs));
    if (ready < 0 && errno != EINTR) {
      spdlog::error("stream reactor: epoll_wait failed: {}", std::strerror(errno));
      return;
    }
    for (int i = 0; i < ready; ++i) {
      if (events[i].data.u64 == kWakeId) continue;  // stop: the loop condition decides
      handle(events[i].data.u64, events[i].events);
    }
    // One thread keeps the clock for the timeouts.
    if (index == 0 && steady_ms() >= next_tick_ms_.load()) {
      next_tick_ms_ = steady_ms() + kTickIntervalMs;
      tick_all();
    }
  }
}

void SocketReactor::handle(std::uint64_t id, std::uint32_t events) {
  std::shared_ptr<Registration> registration;
  {
    std::lock_guard lock(mutex_);
    const auto found = registrations_.find(id);
    if (found == registrations_.end()) return;
    registration = found->second;
  }
  // Set before the count, so the thread that sees this event in `pending` reads to the end.
  if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
    registration->peer_closing.store(true, std::memory_order_release);
  }
  // Another thread is serving this socket: it sees this event in `pending` and reads again.
  if (registration->pending.fetch_add(1, std::memory_order_acq_rel) != 0) return;
  int served = 1;
  for (;;) {
    if (!registration->client->on_readable(registration->peer_closing.load(std::memory_order_acquire))) break;
    const int before = registration->pending.fetch_sub(served, std::memory_order_acq_rel);
    if (before == served) return;  // nothing arrived meanwhile
    served = before - served;      // events that arrived while it read: read again
  }
  // The client closed its socket, which took the fd out of the epoll set (an explicit
  // EPOLL_CTL_DEL now could hit a new socket that reused the fd number). `pending` stays
  // non-zero, so a late event for it does nothing.
  std::lock_guard lock(mutex_);
  registrations_.erase(id);
}

void SocketReactor::tick_all() {
  std::vector<std::shared_ptr<Client>> clients;
  {
    std::lock_guard lock(mutex_);
    clients.reserve(registrations_.size());
    for (const auto& [id, registration] : registrations_) clients.push_back(registration->client);
  }
  for (const auto& client : clients) client->on_tick();
}

}  // namespace callagent::host
