// Cuts a byte stream of μ-law 8 kHz into whole 20 ms (160-byte) frames, whatever sizes the
// network delivers it in, and carries the rest over to the next delivery. Each push hands
// out every whole frame it completes as one chunk (a multiple of 160 bytes): one listener
// call per network read rather than one per 20 ms, since each call is a task posted to the
// call's strand (an allocation and often a thread wake-up).
// Threading: none; one worker uses it. Chunks are handed out as views valid during `emit`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace callagent::plugins {

inline constexpr std::size_t kMulawFrameBytes = 160;  // 20 ms at 8000 samples/s, 1 byte each

class MulawFramer {
 public:
  // Returns false to stop (the utterance was cancelled); the rest of the input is dropped.
  using Emit = std::function<bool(const std::uint8_t* data, std::size_t size_bytes)>;

  // Emits the whole frames now available, as one chunk. False if `emit` asked to stop.
  bool push(const std::uint8_t* data, std::size_t size_bytes, const Emit& emit);
  // Emits the last partial frame, if any (the end of an utterance's audio).
  bool flush(const Emit& emit);
  void reset() noexcept { pending_.clear(); }

 private:
  std::vector<std::uint8_t> pending_;  // fewer than kMulawFrameBytes bytes between pushes
};

}  // namespace callagent::plugins
