// Sound files through libsndfile: reading any format it knows (WAV of any sample format,
// rate and channel count, FLAC, AIFF, …) as mono float, and writing the agent's audio as
// a μ-law 8 kHz WAV, byte for byte what Twilio played.
//
// Threading: pure functions over files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::callsim {

struct MonoAudio {
  std::vector<float> samples;  // [-1, 1]; channels averaged
  std::uint32_t sample_rate_hz = 0;
};

// not_found when the file is missing, invalid_argument when libsndfile cannot read it
// (with its reason).
Result<MonoAudio> read_sound_file_as_mono(const std::filesystem::path& path);

// Writes headerless μ-law 8 kHz bytes as a WAV file (format 7, μ-law), unchanged.
Status write_mulaw_wav(const std::filesystem::path& path, std::span<const std::uint8_t> mulaw_audio);

}  // namespace callagent::callsim
