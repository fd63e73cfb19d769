// A fixed set of threads that run posted tasks, shared by every call on the host.
//
// Ownership: owns its threads; the destructor (or stop()) runs the tasks already
// queued, then joins. Threading: post() from any thread. Tasks must not block for long
// (no network or disk waits): a blocked worker is a worker every call has lost.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "host/runtime/executor.h"

namespace callagent::host {

class WorkerPool final : public Executor {
 public:
  // thread_count 0: one per hardware thread.
  explicit WorkerPool(std::size_t thread_count, std::string name = "worker");
  ~WorkerPool() override;
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(Task task) override;
  // Finishes queued tasks, then joins the threads. Tasks posted afterwards are dropped.
  void stop();
  std::size_t thread_count() const noexcept { return threads_.size(); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable work_available_;
  std::deque<Task> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace callagent::host
