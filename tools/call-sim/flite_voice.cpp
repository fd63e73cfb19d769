#include "tools/call-sim/flite_voice.h"

#include <flite/flite.h>

#include <memory>
#include <mutex>
#include <string>

extern "C" cst_voice* register_cmu_us_rms(const char* voxdir);

namespace callagent::callsim {
namespace {

std::mutex& flite_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Registered once for the process and never unregistered: the voice is shared read-only
// by every synthesis after this.
cst_voice* rms_voice() {
  static cst_voice* const voice = [] {
    flite_init();
    return register_cmu_us_rms(nullptr);
  }();
  return voice;
}

struct WaveDeleter {
  void operator()(cst_wave* wave) const noexcept { delete_wave(wave); }
};

}  // namespace

Result<SynthesizedSpeech> synthesize_with_flite(std::string_view text) {
  if (text.empty()) return Status(ErrorCode::invalid_argument, "nothing to say: empty text");
  const std::string text_copy(text);  // Flite wants a NUL-terminated string

  std::lock_guard lock(flite_mutex());
  cst_voice* voice = rms_voice();
  if (voice == nullptr) return Status(ErrorCode::internal, "Flite could not register the rms voice");
  std::unique_ptr<cst_wave, WaveDeleter> wave(flite_text_to_wave(text_copy.c_str(), voice));
  if (!wave || wave->num_samples <= 0 || wave->sample_rate <= 0 || wave->num_channels <= 0) {
    return Status(ErrorCode::internal, "Flite produced no audio for the text");
  }

  SynthesizedSpeech speech;
  speech.sample_rate_hz = static_cast<std::uint32_t>(wave->sample_rate);
  const auto frames = static_cast<std::size_t>(wave->num_samples);
  const auto channels = static_cast<std::size_t>(wave->num_channels);
  speech.samples.resize(frames);
  for (std::size_t frame = 0; frame < frames; ++frame) {
    float sum = 0.0F;
    for (std::size_t channel = 0; channel < channels; ++channel) {
      sum += static_cast<float>(wave->samples[frame * channels + channel]) / 32768.0F;
    }
    speech.samples[frame] = sum / static_cast<float>(channels);
  }
  return speech;
}

}  // namespace callagent::callsim
