// Caller audio waiting to go to Deepgram: queued by send_audio on the call's strand,
// taken by the session's I/O thread. Bounded, because while Deepgram is unreachable the
// call keeps talking: past the bound the oldest audio goes, so a late reconnect still
// hears the most recent speech.
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

class AudioBacklog {
 public:
  explicit AudioBacklog(std::size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

  // Returns how many bytes of old audio were dropped to make room (0 normally).
  std::size_t push(AudioFrame frame);
  std::optional<AudioFrame> pop();
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
