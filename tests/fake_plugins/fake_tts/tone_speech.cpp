#include "tests/fake_plugins/fake_tts/tone_speech.h"

#include <algorithm>

#include "tests/fake_plugins/common/mulaw_signal.h"
#include "tests/fake_plugins/common/words.h"

namespace callagent::fake_plugins {
namespace {

constexpr std::int64_t kWordGapMs = 20;
// Whole periods in every 20 ms, so the 20 ms chunks a session sends join without clicks.
constexpr double kEvenWordToneHz = 300.0;
constexpr double kOddWordToneHz = 500.0;

}  // namespace

ToneSpeech render_tone_speech(std::string_view text, std::int64_t ms_per_character,
                              std::int64_t utterance_offset_ms, std::size_t first_word_index) {
  ToneSpeech speech;
  const auto words = split_words(text);
  std::int64_t position_ms = 0;
  for (std::size_t index = 0; index < words.size(); ++index) {
    const bool last = index + 1 == words.size();
    // Each word but the last owns the space after it, spent as the gap between words.
    const auto characters = static_cast<std::int64_t>(count_characters(words[index]) + (last ? 0 : 1));
    const std::int64_t segment_ms = ms_per_character * characters;
    const std::int64_t gap_ms = last ? 0 : std::min(kWordGapMs, segment_ms / 2);
    const std::int64_t tone_ms = segment_ms - gap_ms;
    const bool odd = (first_word_index + index) % 2 == 1;
    append_mulaw_tone(speech.audio_mulaw, odd ? kOddWordToneHz : kEvenWordToneHz, tone_ms);
    append_mulaw_silence(speech.audio_mulaw, gap_ms);
    speech.words.push_back(TtsWordTiming{words[index], utterance_offset_ms + position_ms,
                                         utterance_offset_ms + position_ms + tone_ms});
    position_ms += segment_ms;
  }
  speech.word_count = words.size();
  return speech;
}

}  // namespace callagent::fake_plugins
