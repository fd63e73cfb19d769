// SpeechSynthesizer on CMU Flite, one voice with fixed settings.
//
// Flite keeps process-wide state (its voice and language lists, its error jump target) and
// is not thread-safe, so every call into it — initialisation, voice registration, synthesis —
// holds one process-wide mutex. That serialises all calls' synthesis; it is fine for the
// offline default because Flite runs about 50 times faster than real time (a 2.5 s sentence
// takes about 30 ms), and sessions cut long text into short spans so none waits long.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "speech_synthesizer.h"

struct cst_voice_struct;  // Flite's voice; its C API stays in flite_synthesizer.cpp

namespace callagent::plugins {

struct FliteSynthesisSettings {
  double duration_stretch = 1.0;           // Flite's "duration_stretch": 2.0 speaks half as fast
  std::optional<double> f0_target_mean_hz;  // Flite's "int_f0_target_mean"; unset keeps the voice's
};

// Thread-safe (see above). Lifetime: the voice is registered with Flite for the whole
// process and shared with every other FliteSynthesizer of the same voice; it is never
// unregistered, because another provider may still be using it. The settings are applied
// per synthesis, never to the shared voice.
class FliteSynthesizer final : public SpeechSynthesizer {
 public:
  // Initialises Flite once per process, registers `voice_name` (one of kFliteVoiceNames)
  // once per process, and learns the voice's native sample rate by synthesising one word.
  // Unknown voice: invalid_argument; Flite failing: vendor_error.
  static Result<std::unique_ptr<FliteSynthesizer>> create(std::string_view voice_name,
                                                          FliteSynthesisSettings settings);

  std::uint32_t sample_rate_hz() const noexcept override { return sample_rate_hz_; }
  Result<SynthesizedSpeech> synthesize(std::string_view text) const override;

  // Use create(); public only for std::make_unique.
  FliteSynthesizer(cst_voice_struct* voice, FliteSynthesisSettings settings, std::uint32_t sample_rate_hz);

 private:
  cst_voice_struct* const voice_;  // Flite's, for the whole process
  const FliteSynthesisSettings settings_;
  const std::uint32_t sample_rate_hz_;
};

}  // namespace callagent::plugins
