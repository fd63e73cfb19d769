// Runs a task every `period` on its own thread until stopped: for slow housekeeping such
// as writing back call records after a state-store outage. Not for anything per call.
//
// Threading: the task runs on the internal thread, never twice at once. stop() (or the
// destructor) wakes the thread, waits for a running task to finish, and joins.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace callagent::host {

class PeriodicTask {
 public:
  PeriodicTask(std::chrono::milliseconds period, std::function<void()> task);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void stop();

 private:
  void run();

  const std::chrono::milliseconds period_;
  const std::function<void()> task_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace callagent::host
