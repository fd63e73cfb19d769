// Something that runs tasks. Implemented by the worker pool, by strands on top of it,
// and by an inline executor in tests.
#pragma once

#include <functional>

namespace callagent::host {

// Move-only would be ideal; std::function keeps the interface simple and the tasks
// posted per frame are small lambdas (a pointer and an int or a buffer handle).
using Task = std::function<void()>;

// Thread-safe: post() may be called from any thread.
class Executor {
 public:
  virtual ~Executor() = default;
  virtual void post(Task task) = 0;
};

// Runs each task at once on the caller's thread. For tests and for single-threaded tools.
class InlineExecutor final : public Executor {
 public:
  void post(Task task) override { task(); }
};

}  // namespace callagent::host
