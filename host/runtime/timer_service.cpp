#include "host/runtime/timer_service.h"

#include <pthread.h>

namespace callagent::host {
namespace {

// dispatch: a due timer of an idle call (the outbound audio's pacing, 12 a second per
// speaking call) runs on the timer thread instead of waking a call worker for it.
void deliver(TimerQueue::Due& due) {
  if (auto target = due.target.lock()) target->dispatch(std::move(due.task));
}

}  // namespace

TimerId TimerQueue::add(TimePoint deadline, Clock::duration slack, std::weak_ptr<Executor> target, Task task) {
  const TimerId id = next_id_++;
  const TimePoint latest = slack > Clock::duration::zero() && deadline < TimePoint::max() - slack ? deadline + slack
                                                                                                  : deadline;
  const auto latest_position = by_latest_.emplace(latest, id);
  auto position = by_deadline_.emplace(deadline, Entry{id, latest_position, std::move(target), std::move(task)});
  by_id_.emplace(id, position);
  return id;
}

void TimerQueue::erase(std::multimap<TimePoint, Entry>::iterator entry) {
  by_latest_.erase(entry->second.latest);
  by_id_.erase(entry->second.id);
  by_deadline_.erase(entry);
}

bool TimerQueue::remove(TimerId id) {
  auto found = by_id_.find(id);
  if (found == by_id_.end()) return false;
  erase(found->second);
  return true;
}

bool TimerQueue::pop_due(TimePoint now, Due& due) {
  if (by_deadline_.empty() || by_deadline_.begin()->first > now) return false;
  auto first = by_deadline_.begin();
  due.target = std::move(first->second.target);
  due.task = std::move(first->second.task);
  erase(first);
  return true;
}

TimePoint TimerQueue::next_deadline() const {
  return by_deadline_.empty() ? TimePoint::max() : by_deadline_.begin()->first;
}

TimePoint TimerQueue::next_latest() const {
  return by_latest_.empty() ? TimePoint::max() : by_latest_.begin()->first;
}

ThreadedTimerService::ThreadedTimerService() : thread_([this] { run(); }) {
  pthread_setname_np(thread_.native_handle(), "timers");
}

ThreadedTimerService::~ThreadedTimerService() { stop(); }

TimerId ThreadedTimerService::schedule_at(TimePoint deadline, Clock::duration slack, std::weak_ptr<Executor> target,
                                          Task task) {
  TimerId id = 0;
  bool earliest = false;
  {
    std::lock_guard lock(mutex_);
    const TimePoint wake_before = queue_.next_latest();
    id = queue_.add(deadline, slack, std::move(target), std::move(task));
    earliest = queue_.next_latest() < wake_before;
  }
  if (earliest) changed_.notify_one();  // the sleeper must wake earlier than it planned
  return id;
}

bool ThreadedTimerService::cancel(TimerId id) {
  std::lock_guard lock(mutex_);
  return queue_.remove(id);
}

void ThreadedTimerService::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ThreadedTimerService::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    TimerQueue::Due due;
    if (queue_.pop_due(clock_.now(), due)) {
      // Post outside the lock: the target's post() may take its own locks.
      lock.unlock();
      deliver(due);
      lock.lock();
      continue;
    }
    // The latest a pending timer may fire; on waking, everything already due fires at once.
    const TimePoint next = queue_.next_latest();
    if (next == TimePoint::max()) {
      changed_.wait(lock);
    } else {
      changed_.wait_until(lock, next);
    }
  }
}

TimerId ManualTimerService::schedule_at(TimePoint deadline, Clock::duration /*slack*/, std::weak_ptr<Executor> target,
                                        Task task) {
  std::lock_guard lock(mutex_);
  return queue_.add(deadline, Clock::duration::zero(), std::move(target), std::move(task));
}

bool ManualTimerService::cancel(TimerId id) {
  std::lock_guard lock(mutex_);
  return queue_.remove(id);
}

void ManualTimerService::advance(Clock::duration step) {
  const TimePoint end = clock_.now() + step;
  while (true) {
    TimerQueue::Due due;
    {
      std::lock_guard lock(mutex_);
      const TimePoint next = queue_.next_deadline();
      if (next > end) break;
      if (next > clock_.now()) clock_.advance(next - clock_.now());
      queue_.pop_due(clock_.now(), due);
    }
    // Outside the lock: the task may schedule or cancel timers.
    deliver(due);
  }
  if (end > clock_.now()) clock_.advance(end - clock_.now());
}

std::size_t ManualTimerService::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace callagent::host
