#include "tools/call-sim/call_driver.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace callagent::callsim {
namespace {

constexpr int kEventsPerWait = 64;

int create_epoll() {
  const int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) throw std::runtime_error(fmt::format("call driver: epoll_create1: {}", std::strerror(errno)));
  return fd;
}

int create_wake_fd() {
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(fmt::format("call driver: eventfd: {}", std::strerror(errno)));
  return fd;
}

// The wake fd's id in the epoll set; watch ids start at 1.
constexpr std::uint64_t kWakeId = 0;

}  // namespace

CallDriver::CallDriver(std::string thread_name, std::chrono::microseconds timer_slack)
    : timer_slack_(timer_slack), epoll_fd_(create_epoll()), wake_fd_(create_wake_fd()) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeId;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event) != 0) {
    throw std::runtime_error(fmt::format("call driver: epoll_ctl(wake): {}", std::strerror(errno)));
  }
  thread_ = std::thread([this] { loop(); });
  ::pthread_setname_np(thread_.native_handle(), thread_name.substr(0, 15).c_str());
}

CallDriver::~CallDriver() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_loop();
  if (thread_.joinable()) thread_.join();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

bool CallDriver::on_driver_thread() const noexcept {
  return std::this_thread::get_id() == thread_.get_id();
}

void CallDriver::wake_loop() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

CallDriver::WatchId CallDriver::watch(int fd, std::function<void()> on_readable) {
  std::lock_guard lock(mutex_);
  const WatchId id = next_id_++;
  watches_.emplace(id, Watch{fd, std::move(on_readable)});
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP;
  event.data.u64 = id;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    watches_.erase(id);
    throw std::runtime_error(fmt::format("call driver: epoll_ctl(add fd {}): {}", fd, std::strerror(errno)));
  }
  return id;
}

void CallDriver::unwatch(WatchId id) {
  std::unique_lock lock(mutex_);
  const auto found = watches_.find(id);
  if (found == watches_.end()) return;
  // The fd may already be closed by its owner; the kernel then dropped it from the set.
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, found->second.fd, nullptr);
  watches_.erase(found);
  if (!on_driver_thread()) wait_idle_locked(lock, id, 0);
}

CallDriver::TimerId CallDriver::add_timer(TimePoint first_due, TimerCallback on_due) {
  std::unique_lock lock(mutex_);
  const TimerId id = next_id_++;
  Timer& timer = timers_.emplace(id, Timer{first_due, std::move(on_due), deadlines_.end()}).first->second;
  const bool earliest = deadlines_.empty() || first_due < deadlines_.begin()->first;
  schedule_locked(id, timer, first_due);
  lock.unlock();
  if (earliest && !on_driver_thread()) wake_loop();
  return id;
}

void CallDriver::run_timer_by(TimerId id, TimePoint due) {
  std::unique_lock lock(mutex_);
  const auto found = timers_.find(id);
  if (found == timers_.end()) return;
  Timer& timer = found->second;
  if (timer.position != deadlines_.end() && timer.due <= due) return;
  if (timer.position == deadlines_.end() && running_timer_ == id) {
    // Running now: loop() schedules it by the earlier of this and what it returns.
    timer.due = std::min(timer.due, due);
    return;
  }
  const bool earliest = deadlines_.empty() || due < deadlines_.begin()->first;
  schedule_locked(id, timer, due);
  lock.unlock();
  if (earliest && !on_driver_thread()) wake_loop();
}

void CallDriver::remove_timer(TimerId id) {
  std::unique_lock lock(mutex_);
  const auto found = timers_.find(id);
  if (found != timers_.end()) {
    if (found->second.position != deadlines_.end()) deadlines_.erase(found->second.position);
    timers_.erase(found);
  }
  if (!on_driver_thread()) wait_idle_locked(lock, 0, id);
}

void CallDriver::schedule_locked(TimerId id, Timer& timer, TimePoint due) {
  if (timer.position != deadlines_.end()) deadlines_.erase(timer.position);
  timer.due = due;
  timer.position = deadlines_.emplace(due, id);
}

void CallDriver::wait_idle_locked(std::unique_lock<std::mutex>& lock, WatchId watch, TimerId timer) {
  callback_done_.wait(lock, [&] {
    return (watch == 0 || running_watch_ != watch) && (timer == 0 || running_timer_ != timer);
  });
}

void CallDriver::loop() {
  std::array<epoll_event, kEventsPerWait> events{};
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // Sleep until the earliest deadline + slack: timers due within it share this wake-up.
    timespec timeout{};
    timespec* wait_for = nullptr;
    if (!deadlines_.empty()) {
      const auto until = deadlines_.begin()->first + timer_slack_ - Clock::now();
      const auto ns = std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::nanoseconds>(until).count());
      timeout.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
      timeout.tv_nsec = static_cast<long>(ns % 1'000'000'000);
      wait_for = &timeout;
    }
    lock.unlock();
    const int ready = ::epoll_pwait2(epoll_fd_, events.data(), kEventsPerWait, wait_for, nullptr);
    lock.lock();

    for (int index = 0; index < ready && !stopping_; ++index) {
      const WatchId id = events[static_cast<std::size_t>(index)].data.u64;
      if (id == kWakeId) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto drained = ::read(wake_fd_, &count, sizeof count);
        continue;
      }
      const auto found = watches_.find(id);
      if (found == watches_.end()) continue;  // unwatched after epoll reported it
      // A copy: the callback may unwatch itself, which erases the stored one.
      const std::function<void()> on_readable = found->second.on_readable;
      running_watch_ = id;
      lock.unlock();
      on_readable();
      lock.lock();
      running_watch_ = 0;
      callback_done_.notify_all();
    }

    const TimePoint now = Clock::now();
    while (!stopping_ && !deadlines_.empty() && deadlines_.begin()->first <= now) {
      const TimerId id = deadlines_.begin()->second;
      deadlines_.erase(deadlines_.begin());
      Timer& timer = timers_.at(id);
      timer.position = deadlines_.end();
      timer.due = TimePoint::max();
      const TimerCallback on_due = timer.on_due;
      running_timer_ = id;
      lock.unlock();
      const std::optional<TimePoint> next = on_due(now);
      lock.lock();
      running_timer_ = 0;
      callback_done_.notify_all();
      const auto still = timers_.find(id);
      if (still == timers_.end()) continue;  // removed by its own callback
      // run_timer_by() during the callback left its wish in `due`.
      const TimePoint requested = still->second.due;
      if (!next && requested == TimePoint::max()) {
        timers_.erase(still);
        continue;
      }
      // Never again within this pass: a callback asking for "now" runs on the next wake-up.
      const TimePoint due = next ? std::min(*next, requested) : requested;
      schedule_locked(id, still->second, std::max(due, now + std::chrono::microseconds(1)));
    }
  }
}

}  // namespace callagent::callsim
