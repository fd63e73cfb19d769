#include "mulaw_framer.h"

namespace callagent::plugins {

bool MulawFramer::push(const std::uint8_t* data, std::size_t size_bytes, const Emit& emit) {
  const std::size_t available = pending_.size() + size_bytes;
  const std::size_t whole_bytes = available - available % kMulawFrameBytes;
  if (whole_bytes == 0) {
    pending_.insert(pending_.end(), data, data + size_bytes);
    return true;
  }
  bool go_on = true;
  std::size_t used = 0;
  if (pending_.empty()) {
    go_on = emit(data, whole_bytes);  // straight from the input: no copy
    used = whole_bytes;
  } else {
    used = whole_bytes - pending_.size();
    pending_.insert(pending_.end(), data, data + used);
    go_on = emit(pending_.data(), whole_bytes);
  }
  pending_.assign(data + used, data + size_bytes);
  if (!go_on) pending_.clear();
  return go_on;
}

bool MulawFramer::flush(const Emit& emit) {
  if (pending_.empty()) return true;
  const bool go_on = emit(pending_.data(), pending_.size());
  pending_.clear();
  return go_on;
}

}  // namespace callagent::plugins
