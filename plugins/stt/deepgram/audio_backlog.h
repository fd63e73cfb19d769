// Caller audio waiting to go to Deepgram: queued by send_audio on the call's strand,
// taken by the session's I/O thread. Bounded, because while Deepgram is unreachable the
// call keeps talking: past the bound the oldest audio goes, so a late reconnect still
// hears the most recent speech.
//
// push() says whether the backlog was empty: only then does the caller need to wake the
// I/O thread (a non-empty backlog means the thread has been woken and not yet taken it).
//
// Threading: thread-safe (one mutex). Ownership: copies every chunk it is given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace callagent::plugins::deepgram {

struct AudioFrame {
  std::vector<std::uint8_t> bytes;  // μ-law 8 kHz, never empty
  std::int64_t stream_offset_ms = 0;
};

struct PushOutcome {
  std::size_t dropped_bytes = 0;  // old audio dropped to make room (0 normally)
  bool was_empty = false;         // the backlog held nothing before this push
};

class AudioBacklog {
 public:
  explicit AudioBacklog(std::size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

  PushOutcome push(AudioFrame frame);
  // Appends the oldest frames' bytes to `out` (in order, whole frames) while they fit in
  // `max_bytes` — always at least one frame. Returns the first frame's offset, or nothing
  // when the backlog is empty. One lock for the lot.
  std::optional<std::int64_t> take(std::vector<std::uint8_t>& out, std::size_t max_bytes);
  // Puts a frame that could not be sent back at the front (reconnect resends it).
  void push_front(AudioFrame frame);
  bool empty() const;

 private:
  const std::size_t capacity_bytes_;
  mutable std::mutex mutex_;
  std::deque<AudioFrame> frames_;
  std::size_t size_bytes_ = 0;
};

}  // namespace callagent::plugins::deepgram
