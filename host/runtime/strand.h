// A serial queue on top of a shared executor: tasks posted to one strand run one at a
// time, in the order posted, never concurrently — though not always on the same thread.
// Each call owns a strand, so the call's state needs no locks: every input (Twilio
// frames, STT results, LLM tokens, TTS audio, timers) is posted to it.
//
// Ownership: create with std::make_shared; a queued drain holds a reference, so the
// strand lives until its queue is empty. Threading: post() from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

#include "host/runtime/executor.h"

namespace callagent::host {

class Strand final : public Executor, public std::enable_shared_from_this<Strand> {
 public:
  // `executor` must outlive the strand. At most `batch_limit` tasks run per turn on a
  // worker before the strand yields it to other strands (fairness between calls).
  explicit Strand(Executor& executor, std::size_t batch_limit = 64);

  void post(Task task) override;
  // Like post(), but when the strand is idle (nothing queued, nothing running) the task runs
  // at once on the calling thread, followed by anything posted meanwhile (up to the batch
  // limit; the rest goes to the executor). For a steady producer such as a Media Stream
  // reader (50 frames a second per call) this saves a worker wake-up per task. Only call it
  // from a thread that may run strand work inline: tasks never block, but they do run here.
  // From inside a task of this strand it queues, like post(), so order is kept.
  void dispatch(Task task) override;
  // Like dispatch(), but runs only this task on the calling thread: whatever is posted
  // meanwhile (including by the task itself) goes to the executor instead of running here.
  // For threads that may hold locks of their own while they call in — a plugin's thread in
  // a listener callback — so no other task of the strand ever runs under those locks.
  void dispatch_one(Task task);
  // True while called from a task running on this strand.
  bool running_in_this_thread() const noexcept;
  std::size_t queued() const;

 private:
  void drain();
  // Runs one task; an exception is logged and goes no further (one call's fault).
  static void run_guarded(Task& task);
  // The strand stops running here: work left goes to the executor, else the strand is idle.
  void hand_rest_to_executor();

  Executor& executor_;
  const std::size_t batch_limit_;
  mutable std::mutex mutex_;
  std::deque<Task> tasks_;
  bool scheduled_ = false;  // a drain is queued on or running on the executor
};

}  // namespace callagent::host
