#include "flite_tts.h"

#include <exception>
#include <utility>

#include "flite_synthesizer.h"
#include "flite_tts_session.h"

namespace callagent::plugins {

Status FliteTtsProvider::validate_config(std::string_view config_json) {
  return parse_flite_tts_config(config_json).status();
}

Result<std::unique_ptr<FliteTtsProvider>> FliteTtsProvider::create(const ProviderContext& context) {
  auto parsed = parse_flite_tts_config(context.config_json);
  if (!parsed) return parsed.status();
  FliteTtsConfig config = std::move(parsed).value();

  FliteSynthesisSettings settings;
  settings.duration_stretch = 1.0 / config.speed;  // Flite stretches durations; speed is a rate
  settings.f0_target_mean_hz = config.pitch_hz;
  auto synthesizer = FliteSynthesizer::create(config.voice, settings);
  if (!synthesizer) return synthesizer.status();

  const std::uint32_t sample_rate_hz = synthesizer.value()->sample_rate_hz();
  context.logger.info("voice " + config.voice + " at " + std::to_string(sample_rate_hz) + " Hz, " +
                      flite_voice_key(config));
  if (config.pitch_hz && config.voice == "rms") {
    // Measured: rms takes its pitch from its own model and ignores the target.
    context.logger.warn("pitch_hz has no effect on the rms voice");
  }
  return std::make_unique<FliteTtsProvider>(std::move(config), std::move(synthesizer).value());
}

FliteTtsProvider::FliteTtsProvider(FliteTtsConfig config, std::unique_ptr<const SpeechSynthesizer> synthesizer)
    : config_(std::move(config)), synthesizer_(std::move(synthesizer)) {}

AudioFormat FliteTtsProvider::output_format() const noexcept {
  return AudioFormat{AudioEncoding::pcm16_le, synthesizer_->sample_rate_hz()};
}

std::string FliteTtsProvider::voice_key() const {
  return flite_voice_key(config_);
}

Result<std::unique_ptr<TtsSession>> FliteTtsProvider::open_session(const SessionContext& context,
                                                                   TtsListener& listener) noexcept {
  try {
    auto session = std::make_unique<FliteTtsSession>(*synthesizer_, listener, context.logger);
    context.logger.info("session open");
    return std::unique_ptr<TtsSession>(std::move(session));
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("tts_flite could not start a session: ") + error.what());
  }
}

}  // namespace callagent::plugins
