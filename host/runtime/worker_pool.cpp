#include "host/runtime/worker_pool.h"

#include <pthread.h>

#include <spdlog/spdlog.h>

namespace callagent::host {

WorkerPool::WorkerPool(std::size_t thread_count, std::string name) {
  if (thread_count == 0) thread_count = std::max(1U, std::thread::hardware_concurrency());
  threads_.reserve(thread_count);
  for (std::size_t index = 0; index < thread_count; ++index) {
    threads_.emplace_back([this] { run(); });
    // Named threads make `top -H` and gdb readable; names are capped at 15 chars.
    const std::string thread_name = (name + "-" + std::to_string(index)).substr(0, 15);
    pthread_setname_np(threads_.back().native_handle(), thread_name.c_str());
  }
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    tasks_.push_back(std::move(task));
  }
  work_available_.notify_one();
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  work_available_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void WorkerPool::run() {
  while (true) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      work_available_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and everything queued has run
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& error) {
      // A task's failure belongs to its call; the worker must survive for the others.
      spdlog::error("worker task threw: {}", error.what());
    } catch (...) {
      spdlog::error("worker task threw a non-standard exception");
    }
  }
}

}  // namespace callagent::host
