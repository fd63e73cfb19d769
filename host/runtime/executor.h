// Something that runs tasks. Implemented by the worker pool, by strands on top of it,
// and by an inline executor in tests.
#pragma once

#include <functional>

namespace callagent::host {

// Move-only would be ideal; std::function keeps the interface simple and the tasks
// posted per frame are small lambdas (a pointer and an int or a buffer handle).
using Task = std::function<void()>;

// Thread-safe: post() and dispatch() may be called from any thread.
class Executor {
 public:
  virtual ~Executor() = default;
  virtual void post(Task task) = 0;
  // Like post(), but an executor may run the task at once on the calling thread when that
  // keeps its ordering promise (an idle strand does), saving a thread wake-up. Only call it
  // from a thread that may run such work inline: tasks never block, but they do run there.
  virtual void dispatch(Task task) { post(std::move(task)); }
};

// Runs each task at once on the caller's thread. For tests and for single-threaded tools.
class InlineExecutor final : public Executor {
 public:
  void post(Task task) override { task(); }
};

}  // namespace callagent::host
