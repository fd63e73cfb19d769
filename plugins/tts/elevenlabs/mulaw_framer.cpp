#include "mulaw_framer.h"

#include <algorithm>

namespace callagent::plugins {

bool MulawFramer::push(const std::uint8_t* data, std::size_t size_bytes, const Emit& emit) {
  std::size_t used = 0;
  if (!pending_.empty()) {
    const std::size_t wanted = std::min(kMulawFrameBytes - pending_.size(), size_bytes);
    pending_.insert(pending_.end(), data, data + wanted);
    used = wanted;
    if (pending_.size() < kMulawFrameBytes) return true;
    const bool go_on = emit(pending_.data(), pending_.size());
    pending_.clear();
    if (!go_on) return false;
  }
  // Whole frames straight from the input: no copy.
  while (size_bytes - used >= kMulawFrameBytes) {
    if (!emit(data + used, kMulawFrameBytes)) return false;
    used += kMulawFrameBytes;
  }
  pending_.assign(data + used, data + size_bytes);
  return true;
}

bool MulawFramer::flush(const Emit& emit) {
  if (pending_.empty()) return true;
  const bool go_on = emit(pending_.data(), pending_.size());
  pending_.clear();
  return go_on;
}

}  // namespace callagent::plugins
