#include "tools/call-sim/audio_source.h"

#include "tools/call-sim/audio_resampler.h"
#include "tools/call-sim/flite_voice.h"
#include "tools/call-sim/wav_file.h"

namespace callagent::callsim {

Result<std::vector<std::uint8_t>> load_caller_audio(const std::filesystem::path& path) {
  auto audio = read_sound_file_as_mono(path);
  if (!audio) return audio.status();
  auto telephone_rate =
      resample(audio.value().samples, audio.value().sample_rate_hz, kTelephoneSampleRateHz);
  if (!telephone_rate) return telephone_rate.status();
  return float_to_mulaw(telephone_rate.value());
}

Result<std::vector<std::uint8_t>> synthesize_caller_audio(std::string_view text) {
  auto speech = synthesize_with_flite(text);
  if (!speech) return speech.status();
  auto telephone_rate =
      resample(speech.value().samples, speech.value().sample_rate_hz, kTelephoneSampleRateHz);
  if (!telephone_rate) return telephone_rate.status();
  return float_to_mulaw(telephone_rate.value());
}

Status write_agent_recording(const std::filesystem::path& path, std::span<const std::uint8_t> mulaw_audio) {
  return write_mulaw_wav(path, mulaw_audio);
}

}  // namespace callagent::callsim
