// Keeps the caller's audio timeline true when Twilio's media timestamps jump (packet
// loss upstream, a stalled network): the gap is filled with μ-law silence so the STT's
// word times and the VAD's durations stay in step with the call.
//
// Threading: single-threaded (the connection's reader). Pure; no clock of its own.
#pragma once

#include <cstdint>

namespace callagent::telephony {

class MediaGapFiller {
 public:
  // Gaps larger than this are filled only up to it: a stream that stalled for minutes
  // should not flood the STT with minutes of silence at once.
  static constexpr std::int64_t kMaxFilledGapMs = 5000;
  // Jitter below one frame is not a gap.
  static constexpr std::int64_t kToleranceMs = 20;

  // For a frame with Twilio timestamp `timestamp_ms` and `duration_ms` of audio: how many
  // milliseconds of silence to insert before it. Also advances the timeline.
  std::int64_t silence_before(std::int64_t timestamp_ms, std::int64_t duration_ms);

  // Where the next audio lands on the host's timeline (ms of audio since stream start).
  std::int64_t stream_offset_ms() const noexcept { return stream_offset_ms_; }

 private:
  bool started_ = false;
  std::int64_t expected_timestamp_ms_ = 0;  // Twilio time at which the next frame should start
  std::int64_t stream_offset_ms_ = 0;       // audio delivered so far, silence included
};

}  // namespace callagent::telephony
