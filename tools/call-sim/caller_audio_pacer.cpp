#include "tools/call-sim/caller_audio_pacer.h"

#include <algorithm>

#include "host/audio/mulaw.h"

namespace callagent::callsim {

void CallerAudioPacer::queue_speech(std::span<const std::uint8_t> mulaw_audio) {
  queued_.insert(queued_.end(), mulaw_audio.begin(), mulaw_audio.end());
}

void CallerAudioPacer::cancel_speech() noexcept {
  queued_.clear();
}

CallerFrame CallerAudioPacer::next_frame() {
  CallerFrame frame;
  frame.chunk = next_chunk_;
  frame.timestamp_ms = static_cast<std::int64_t>(next_chunk_ - 1) * kFrameDurationMs;
  ++next_chunk_;
  frame.mulaw_audio.fill(audio::kMulawSilence);
  if (queued_.empty()) {
    speaking_ = false;
    return frame;
  }
  const std::size_t taken = std::min(kFrameBytes, queued_.size());
  std::copy_n(queued_.begin(), taken, frame.mulaw_audio.begin());
  queued_.erase(queued_.begin(), queued_.begin() + static_cast<std::ptrdiff_t>(taken));
  frame.carries_speech = true;
  frame.starts_speech = !speaking_;
  frame.ends_speech = queued_.empty();
  speaking_ = !frame.ends_speech;
  return frame;
}

}  // namespace callagent::callsim
