#include "audio_backlog.h"

#include <utility>

namespace callagent::plugins::deepgram {

PushOutcome AudioBacklog::push(AudioFrame frame) {
  std::lock_guard lock(mutex_);
  PushOutcome outcome;
  outcome.was_empty = frames_.empty();
  size_bytes_ += frame.bytes.size();
  frames_.push_back(std::move(frame));
  while (size_bytes_ > capacity_bytes_ && frames_.size() > 1) {
    outcome.dropped_bytes += frames_.front().bytes.size();
    size_bytes_ -= frames_.front().bytes.size();
    frames_.pop_front();
  }
  return outcome;
}

std::optional<std::int64_t> AudioBacklog::take(std::vector<std::uint8_t>& out, std::size_t max_bytes) {
  std::lock_guard lock(mutex_);
  if (frames_.empty()) return std::nullopt;
  const std::int64_t first_offset_ms = frames_.front().stream_offset_ms;
  std::size_t taken_bytes = 0;
  while (!frames_.empty() && (taken_bytes == 0 || taken_bytes + frames_.front().bytes.size() <= max_bytes)) {
    const std::vector<std::uint8_t>& bytes = frames_.front().bytes;
    out.insert(out.end(), bytes.begin(), bytes.end());
    taken_bytes += bytes.size();
    size_bytes_ -= bytes.size();
    frames_.pop_front();
  }
  return first_offset_ms;
}

void AudioBacklog::push_front(AudioFrame frame) {
  std::lock_guard lock(mutex_);
  size_bytes_ += frame.bytes.size();
  frames_.push_front(std::move(frame));
}

bool AudioBacklog::empty() const {
  std::lock_guard lock(mutex_);
  return frames_.empty();
}

}  // namespace callagent::plugins::deepgram
