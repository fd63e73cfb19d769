// What a session needs from a speech engine: text in, PCM and token times out.
//
// An interface so the session's queueing, cancelling and error paths can be tested with an
// engine that fails on demand; the plugin's only implementation is FliteSynthesizer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::plugins {

// One whitespace-separated token of the text and where its words fall in the audio.
struct SpokenToken {
  std::string text;              // as the engine read it, punctuation kept ("Hello,")
  bool spoken = false;           // false when it made no sound (a lone dash, a symbol)
  std::int64_t start_ms = 0;     // from the start of this synthesis's audio; 0 if !spoken
  std::int64_t end_ms = 0;
};

struct SynthesizedSpeech {
  std::vector<std::int16_t> samples;  // mono linear PCM at the synthesizer's sample_rate_hz()
  std::vector<SpokenToken> tokens;    // in text order
};

// Thread-safe: sessions' workers call synthesize() at once; it may block for the synthesis.
// Lifetime: outlives every session that uses it (the provider owns it).
class SpeechSynthesizer {
 public:
  virtual ~SpeechSynthesizer() = default;
  SpeechSynthesizer() = default;
  SpeechSynthesizer(const SpeechSynthesizer&) = delete;
  SpeechSynthesizer& operator=(const SpeechSynthesizer&) = delete;

  virtual std::uint32_t sample_rate_hz() const noexcept = 0;
  // Speaks clean text (see text_for_flite.h). An engine failure is vendor_error.
  virtual Result<SynthesizedSpeech> synthesize(std::string_view text) const = 0;
};

}  // namespace callagent::plugins
