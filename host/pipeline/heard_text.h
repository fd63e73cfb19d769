// What the caller actually heard of an agent response that was cut off: every speech
// segment before the one playing, plus the part of that one its audio had reached —
// by the TTS's word timings when it gave them, else in proportion to the audio heard,
// rounded down to a whole word.
//
// Threading: pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "callagent/plugin_api/tts.h"

namespace callagent::pipeline {

struct SpokenSegment {
  std::string text;
  std::size_t audio_bytes = 0;        // μ-law bytes received so far for it
  bool audio_complete = false;        // its TTS said done
  std::vector<TtsWordTiming> words;   // from the TTS, relative to the segment's audio start
};

// `segment_index` and `bytes_heard` come from the last returned mark.
std::string heard_text(const std::vector<SpokenSegment>& segments, std::size_t segment_index,
                       std::size_t bytes_heard);

}  // namespace callagent::pipeline
