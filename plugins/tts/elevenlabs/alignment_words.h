// Turns stream-input character alignment (protocols.md §5.2) into word timings on the
// utterance's audio timeline.
//
// Why its own class: alignment times are relative to each audio chunk, so every chunk's
// times are shifted by the audio the utterance already had before it; and a word can be cut
// between two chunks, so the unfinished last word of a chunk is held until the next chunk
// (or the end of the stream) completes it.
//
// Threading: none; one session worker uses it, one utterance at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "callagent/plugin_api/tts.h"
#include "stream_input_messages.h"

namespace callagent::plugins {

class AlignmentWords {
 public:
  // Adds one chunk's alignment; `chunk_offset_ms` is where the chunk's audio starts in the
  // utterance. Returns the words this chunk completed (white space ends a word).
  std::vector<TtsWordTiming> add(const CharAlignment& alignment, std::int64_t chunk_offset_ms);
  // The word still open at the end of the stream, if any.
  std::vector<TtsWordTiming> finish();
  void reset() noexcept { open_.reset(); }

 private:
  std::optional<TtsWordTiming> open_;  // a word whose end has not been seen yet
};

}  // namespace callagent::plugins
