#include "audio_timeline.h"

#include <algorithm>
#include <cstdlib>

namespace callagent::plugins::pocketsphinx {

void AudioTimeline::reset() {
  anchors_.clear();
  samples_fed_ = 0;
}

void AudioTimeline::add_chunk(std::int64_t stream_offset_ms, std::int64_t sample_count) {
  if (anchors_.empty() || std::llabs(stream_offset_ms - end_ms()) > kMaxDriftMs) {
    anchors_.push_back({samples_fed_, stream_offset_ms});
  }
  samples_fed_ += sample_count;
}

std::int64_t AudioTimeline::ms_at_sample(std::int64_t sample) const {
  if (anchors_.empty()) return sample * 1000 / sample_rate_hz_;
  // The last anchor at or before the sample; a sample before every anchor uses the first.
  auto anchor = std::upper_bound(anchors_.begin(), anchors_.end(), sample,
                                 [](std::int64_t position, const Anchor& candidate) {
                                   return position < candidate.sample;
                                 });
  if (anchor != anchors_.begin()) --anchor;
  return anchor->offset_ms + (sample - anchor->sample) * 1000 / sample_rate_hz_;
}

void AudioTimeline::forget_before(std::int64_t sample) {
  // Keep the anchor that covers `sample` itself.
  auto covering = std::upper_bound(anchors_.begin(), anchors_.end(), sample,
                                   [](std::int64_t position, const Anchor& candidate) {
                                     return position < candidate.sample;
                                   });
  if (covering != anchors_.begin()) --covering;
  anchors_.erase(anchors_.begin(), covering);
}

}  // namespace callagent::plugins::pocketsphinx
