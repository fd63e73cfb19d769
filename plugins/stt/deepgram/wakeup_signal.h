// Wakes the session's I/O thread out of its wait: an eventfd the worker polls beside the
// Deepgram socket (event_wait.h). send_audio signals it when the backlog goes from empty
// to non-empty; finalize() and close() always do. Any number of signals before the
// worker looks collapse into one wake-up.
//
// Threading: signal() from any thread; clear() and fd() on the worker's thread.
// Ownership: owns the eventfd and closes it in the destructor.
#pragma once

namespace callagent::plugins::deepgram {

class WakeupSignal {
 public:
  // Throws std::system_error when the process is out of file descriptors.
  WakeupSignal();
  ~WakeupSignal();
  WakeupSignal(const WakeupSignal&) = delete;
  WakeupSignal& operator=(const WakeupSignal&) = delete;

  // Makes fd() readable until the next clear().
  void signal() noexcept;
  // Makes fd() unreadable again; signals after this wake the next wait.
  void clear() noexcept;
  int fd() const noexcept { return fd_; }

 private:
  int fd_;
};

}  // namespace callagent::plugins::deepgram
