// When a stream's bad frames stop being noise and become a flood. One bad frame is
// dropped and counted and the call goes on; more than `max_bad_frames` within `window`
// closes that socket (close code 1008, policy violation) — it harms only that call.
//
// Threading: single-threaded (the connection's reader).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>

#include "host/runtime/clock.h"

namespace callagent::telephony {

class BadFramePolicy {
 public:
  BadFramePolicy(std::size_t max_bad_frames = 50,
                 std::chrono::milliseconds window = std::chrono::seconds(10))
      : max_bad_frames_(max_bad_frames), window_(window) {}

  // Records a bad frame at `now`; true when the stream should now be closed.
  bool record_bad_frame(host::TimePoint now) {
    bad_frame_times_.push_back(now);
    while (!bad_frame_times_.empty() && bad_frame_times_.front() <= now - window_) {
      bad_frame_times_.pop_front();
    }
    return bad_frame_times_.size() > max_bad_frames_;
  }

 private:
  std::size_t max_bad_frames_;
  std::chrono::milliseconds window_;
  std::deque<host::TimePoint> bad_frame_times_;
};

}  // namespace callagent::telephony
