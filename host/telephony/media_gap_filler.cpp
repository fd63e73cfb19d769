#include "host/telephony/media_gap_filler.h"

#include <algorithm>

namespace callagent::telephony {

std::int64_t MediaGapFiller::silence_before(std::int64_t timestamp_ms, std::int64_t duration_ms) {
  std::int64_t silence_ms = 0;
  if (!started_) {
    // Twilio's first media timestamp is the time since the stream started, during which
    // nothing was heard: that is silence on the caller's timeline too.
    started_ = true;
    silence_ms = timestamp_ms > kToleranceMs ? std::min(timestamp_ms, kMaxFilledGapMs) : 0;
  } else if (timestamp_ms > expected_timestamp_ms_ + kToleranceMs) {
    silence_ms = std::min(timestamp_ms - expected_timestamp_ms_, kMaxFilledGapMs);
  }
  // Timestamps that go backwards or overlap are taken as they come: the audio is real,
  // only the clock is off, and dropping audio would lose words.
  expected_timestamp_ms_ = std::max(expected_timestamp_ms_, timestamp_ms) + duration_ms;
  stream_offset_ms_ += silence_ms + duration_ms;
  return silence_ms;
}

}  // namespace callagent::telephony
