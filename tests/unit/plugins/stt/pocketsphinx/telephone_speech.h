// Test speech: Flite's rms voice, passed through a telephone line the way the host's real
// path does (16 kHz → 8 kHz, μ-law encode and decode, back to 16 kHz with speexdsp), so the
// recogniser hears what it would hear from a caller.
//
// Threading: not thread-safe (Flite's voice is global); call from the test thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api.h"

namespace callagent::plugins::pocketsphinx::testing {

inline constexpr std::uint32_t kTestSampleRateHz = 16000;

// 16 kHz samples of `text` spoken on a telephone line; cached by text.
const std::vector<std::int16_t>& telephone_speech(std::string_view text);
// `duration_ms` of a quiet line: faint deterministic noise, through the same μ-law path.
std::vector<std::int16_t> telephone_silence(std::int64_t duration_ms);
std::int64_t duration_ms_of(const std::vector<std::int16_t>& samples);

// Hands audio to a session as the host does: 20 ms pcm16_le chunks, stamped with their
// place on the call's timeline, starting at `first_offset_ms`.
class ChunkFeeder {
 public:
  static constexpr std::int64_t kChunkMs = 20;

  explicit ChunkFeeder(std::int64_t first_offset_ms = 0) : next_offset_ms_(first_offset_ms) {}
  // Feeds every sample; returns the first status that was not ok (or ok).
  Status feed(SttSession& session, const std::vector<std::int16_t>& samples);
  // Feeds only the first `duration_ms` of the samples.
  Status feed_prefix(SttSession& session, const std::vector<std::int16_t>& samples,
                     std::int64_t duration_ms);
  std::int64_t next_offset_ms() const { return next_offset_ms_; }

 private:
  std::int64_t next_offset_ms_;
};

}  // namespace callagent::plugins::pocketsphinx::testing
