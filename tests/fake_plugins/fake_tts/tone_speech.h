// Turns text into fake "speech" a voice-activity detector hears and a test can measure:
// one μ-law tone per word, alternating 300 Hz and 500 Hz, about -20 dBFS, with 20 ms of
// silence between words. A text of N characters (words joined by single spaces) lasts
// exactly N × ms_per_character, so a test can predict every byte.
//
// Threading: a pure function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/tts.h"

namespace callagent::fake_plugins {

struct ToneSpeech {
  std::vector<std::uint8_t> audio_mulaw;   // μ-law 8 kHz
  std::vector<TtsWordTiming> words;        // each word's tone, not its trailing gap
  std::size_t word_count = 0;
};

// `utterance_offset_ms` is where this piece starts in its utterance (word times are relative
// to the utterance); `first_word_index` continues the 300/500 Hz alternation across pieces.
ToneSpeech render_tone_speech(std::string_view text, std::int64_t ms_per_character,
                              std::int64_t utterance_offset_ms, std::size_t first_word_index);

}  // namespace callagent::fake_plugins
