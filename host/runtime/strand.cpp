#include "host/runtime/strand.h"

#include <spdlog/spdlog.h>

namespace callagent::host {
namespace {
thread_local const Strand* current_strand = nullptr;
}  // namespace

Strand::Strand(Executor& executor, std::size_t batch_limit)
    : executor_(executor), batch_limit_(batch_limit == 0 ? 1 : batch_limit) {}

void Strand::post(Task task) {
  bool schedule = false;
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    if (!scheduled_) {
      scheduled_ = true;
      schedule = true;
    }
  }
  if (schedule) executor_.post([self = shared_from_this()] { self->drain(); });
}

void Strand::dispatch(Task task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    if (scheduled_) return;  // running or queued elsewhere: it will get to this task
    scheduled_ = true;
  }
  drain();  // the strand was idle: nothing else runs its tasks until drain() lets go
}

void Strand::dispatch_one(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (scheduled_) {
      tasks_.push_back(std::move(task));
      return;  // running or queued elsewhere: it will get to this task, in order
    }
    scheduled_ = true;
  }
  const Strand* previous = current_strand;
  current_strand = this;
  run_guarded(task);
  current_strand = previous;
  hand_rest_to_executor();
}

bool Strand::running_in_this_thread() const noexcept { return current_strand == this; }

std::size_t Strand::queued() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

void Strand::drain() {
  const Strand* previous = current_strand;
  current_strand = this;
  for (std::size_t ran = 0; ran < batch_limit_; ++ran) {
    Task task;
    {
      std::lock_guard lock(mutex_);
      if (tasks_.empty()) {
        scheduled_ = false;
        current_strand = previous;
        return;
      }
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    run_guarded(task);
  }
  current_strand = previous;
  // Batch used up with work left: requeue behind other strands instead of hogging.
  hand_rest_to_executor();
}

void Strand::run_guarded(Task& task) {
  try {
    task();
  } catch (const std::exception& error) {
    spdlog::error("strand task threw: {}", error.what());
  } catch (...) {
    spdlog::error("strand task threw a non-standard exception");
  }
}

void Strand::hand_rest_to_executor() {
  bool more = false;
  {
    std::lock_guard lock(mutex_);
    more = !tasks_.empty();
    if (!more) scheduled_ = false;
  }
  if (more) executor_.post([self = shared_from_this()] { self->drain(); });
}

}  // namespace callagent::host
