// Places the decoder's frames on the call's timeline.
//
// The decoder counts 10 ms frames of everything it was fed since the stream began,
// silence included. The host stamps each chunk with stream_offset_ms; normally chunks
// follow each other exactly, but audio can go missing (the host lost frames, or the
// session dropped a backlog), so the timeline keeps an anchor wherever the stamps and
// the samples fed disagree by more than a resampler's slack.
//
// Threading: not thread-safe; owned and used by one session worker.
#pragma once

#include <cstdint>
#include <vector>

namespace callagent::plugins::pocketsphinx {

class AudioTimeline {
 public:
  // A stamp this far from where the samples fed put the chunk starts a new anchor. The
  // host's resampler delays a few samples; a lost 20 ms frame is below this and is
  // absorbed until lost frames add up past it.
  static constexpr std::int64_t kMaxDriftMs = 40;

  explicit AudioTimeline(std::uint32_t sample_rate_hz) : sample_rate_hz_(sample_rate_hz) {}

  // Forget everything: a new stream starts at sample 0.
  void reset();
  // Records a chunk of `sample_count` samples stamped `stream_offset_ms`, fed next.
  void add_chunk(std::int64_t stream_offset_ms, std::int64_t sample_count);
  // The call time of a sample position (samples fed since the stream began).
  std::int64_t ms_at_sample(std::int64_t sample) const;
  // The call time of the end of what was fed so far.
  std::int64_t end_ms() const { return ms_at_sample(samples_fed_); }
  std::int64_t samples_fed() const { return samples_fed_; }
  // Anchors before `sample` are no longer needed (that utterance is reported); keeps
  // memory flat however long the call.
  void forget_before(std::int64_t sample);

 private:
  struct Anchor {
    std::int64_t sample;     // position in the samples fed
    std::int64_t offset_ms;  // its call time
  };

  const std::uint32_t sample_rate_hz_;
  std::vector<Anchor> anchors_;  // ascending by sample; empty until the first chunk
  std::int64_t samples_fed_ = 0;
};

}  // namespace callagent::plugins::pocketsphinx
