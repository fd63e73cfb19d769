#include "audio_backlog.h"

#include <utility>

namespace callagent::plugins::deepgram {

std::size_t AudioBacklog::push(AudioFrame frame) {
  std::lock_guard lock(mutex_);
  size_bytes_ += frame.bytes.size();
  frames_.push_back(std::move(frame));
  std::size_t dropped_bytes = 0;
  while (size_bytes_ > capacity_bytes_ && frames_.size() > 1) {
    dropped_bytes += frames_.front().bytes.size();
    size_bytes_ -= frames_.front().bytes.size();
    frames_.pop_front();
  }
  return dropped_bytes;
}

std::optional<AudioFrame> AudioBacklog::pop() {
  std::lock_guard lock(mutex_);
  if (frames_.empty()) return std::nullopt;
  AudioFrame frame = std::move(frames_.front());
  frames_.pop_front();
  size_bytes_ -= frame.bytes.size();
  return frame;
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
