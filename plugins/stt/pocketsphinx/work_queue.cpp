#include "work_queue.h"

#include <utility>

namespace callagent::plugins::pocketsphinx {

bool WorkQueue::push_audio(std::vector<std::int16_t> samples, std::int64_t stream_offset_ms) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return false;
    if (queued_samples_ > max_queued_samples_) return false;
    queued_samples_ += samples.size();
    items_.push_back(Item{Item::Kind::audio, std::move(samples), stream_offset_ms});
  }
  changed_.notify_all();
  return true;
}

void WorkQueue::push_finalize() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    items_.push_back(Item{Item::Kind::finalize, {}, 0});
  }
  changed_.notify_all();
}

std::optional<WorkQueue::Item> WorkQueue::pop() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return stopped_ || !items_.empty(); });
  if (stopped_) return std::nullopt;
  Item item = std::move(items_.front());
  items_.pop_front();
  queued_samples_ -= item.samples.size();
  worker_busy_ = true;
  return item;
}

void WorkQueue::item_done() {
  {
    std::lock_guard lock(mutex_);
    worker_busy_ = false;
  }
  changed_.notify_all();
}

void WorkQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    items_.clear();
    queued_samples_ = 0;
  }
  changed_.notify_all();
}

bool WorkQueue::wait_until_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout,
                           [this] { return stopped_ || (items_.empty() && !worker_busy_); });
}

}  // namespace callagent::plugins::pocketsphinx
