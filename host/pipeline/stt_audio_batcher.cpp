#include "host/pipeline/stt_audio_batcher.h"

namespace callagent::pipeline {

bool must_reach_stt_at_once(const CallerAudioMoment& moment) noexcept {
  if (moment.loud) return moment.agent_interruptible;
  return moment.turn_has_sound && moment.ms_since_sound < kEndpointingWindowMs;
}

SttAudioBatcher::SttAudioBatcher(std::int64_t batch_ms, AudioFormat format) : batch_ms_(batch_ms), format_(format) {}

Status SttAudioBatcher::forward(SttSession& session, std::span<const std::uint8_t> audio,
                                std::int64_t stream_offset_ms, std::int64_t duration_ms, bool now) {
  if (audio.empty()) return Status::ok();
  Status status = Status::ok();
  // A batch is one stretch of the timeline: what does not follow it goes on its own.
  if (!held_.empty() && held_offset_ms_ + held_ms_ != stream_offset_ms) status = flush(session);
  if (held_.empty()) {
    if (now || duration_ms >= batch_ms_) return send(session, audio, stream_offset_ms);
    held_offset_ms_ = stream_offset_ms;
  }
  held_.insert(held_.end(), audio.begin(), audio.end());
  held_ms_ += duration_ms;
  if (now || held_ms_ >= batch_ms_) status = flush(session);
  return status;
}

Status SttAudioBatcher::flush(SttSession& session) {
  if (held_.empty()) return Status::ok();
  Status status = send(session, held_, held_offset_ms_);
  held_.clear();
  held_ms_ = 0;
  return status;
}

Status SttAudioBatcher::send(SttSession& session, std::span<const std::uint8_t> audio,
                             std::int64_t stream_offset_ms) const {
  return session.send_audio(
      AudioChunk{audio.data(), audio.size(), format_.encoding, format_.sample_rate_hz, stream_offset_ms});
}

}  // namespace callagent::pipeline
