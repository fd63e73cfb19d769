// tts_flite: offline text-to-speech with CMU Flite (Debian's flite1-dev) and its five US
// English voices. No network, no account; about 50 times faster than real time on one core.
//
// Config: see flite_tts_config.h. Output: 16-bit PCM at the voice's native rate (16 kHz; kal
// 8 kHz), 20 ms per chunk; the host converts it to μ-law 8 kHz. Word timings come from
// Flite's own segment times.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "callagent/plugin_api.h"
#include "flite_tts_config.h"
#include "speech_synthesizer.h"

namespace callagent::plugins {

// Thread-safe: its state is immutable after create(), and the synthesizer serialises its
// own calls into Flite. Lifetime: outlives its sessions, which borrow its synthesizer.
class FliteTtsProvider final : public TtsProvider {
 public:
  // No side effects: parses only.
  static Status validate_config(std::string_view config_json);
  // Registers the voice with Flite and synthesises one word to learn its sample rate. Logs
  // through `context.logger` during the call only; keeps no reference to the context.
  static Result<std::unique_ptr<FliteTtsProvider>> create(const ProviderContext& context);

  FliteTtsProvider(FliteTtsConfig config, std::unique_ptr<const SpeechSynthesizer> synthesizer);

  AudioFormat output_format() const noexcept override;
  std::string voice_key() const override;
  Result<std::unique_ptr<TtsSession>> open_session(const SessionContext& context,
                                                   TtsListener& listener) noexcept override;

 private:
  const FliteTtsConfig config_;
  const std::unique_ptr<const SpeechSynthesizer> synthesizer_;
};

}  // namespace callagent::plugins
