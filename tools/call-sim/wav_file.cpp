#include "tools/call-sim/wav_file.h"

#include <sndfile.h>

#include <memory>
#include <system_error>

#include <fmt/format.h>

namespace callagent::callsim {
namespace {

struct SndfileCloser {
  void operator()(SNDFILE* file) const noexcept { sf_close(file); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

}  // namespace

Result<MonoAudio> read_sound_file_as_mono(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Status(ErrorCode::not_found, fmt::format("audio file {} does not exist", path.string()));
  }
  SF_INFO info{};
  SndfilePtr file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("cannot read audio file {}: {}", path.string(), sf_strerror(nullptr)));
  }
  if (info.channels <= 0 || info.samplerate <= 0) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("audio file {} has no channels or no sample rate", path.string()));
  }
  const auto channels = static_cast<std::size_t>(info.channels);
  std::vector<float> interleaved(static_cast<std::size_t>(info.frames) * channels);
  const sf_count_t frames_read = sf_readf_float(file.get(), interleaved.data(), info.frames);
  if (frames_read < 0) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("cannot read audio file {}: {}", path.string(), sf_strerror(file.get())));
  }
  MonoAudio audio;
  audio.sample_rate_hz = static_cast<std::uint32_t>(info.samplerate);
  audio.samples.resize(static_cast<std::size_t>(frames_read));
  for (std::size_t frame = 0; frame < audio.samples.size(); ++frame) {
    float sum = 0.0F;
    for (std::size_t channel = 0; channel < channels; ++channel) {
      sum += interleaved[frame * channels + channel];
    }
    audio.samples[frame] = sum / static_cast<float>(channels);
  }
  return audio;
}

Status write_mulaw_wav(const std::filesystem::path& path, std::span<const std::uint8_t> mulaw_audio) {
  SF_INFO info{};
  info.samplerate = 8000;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_ULAW;
  SndfilePtr file(sf_open(path.c_str(), SFM_WRITE, &info));
  if (!file) {
    return Status(ErrorCode::unavailable,
                  fmt::format("cannot write {}: {}", path.string(), sf_strerror(nullptr)));
  }
  // Raw write: the bytes already are μ-law, so no decode/re-encode round trip.
  const auto written = sf_write_raw(file.get(), mulaw_audio.data(),
                                    static_cast<sf_count_t>(mulaw_audio.size()));
  if (written != static_cast<sf_count_t>(mulaw_audio.size())) {
    return Status(ErrorCode::unavailable,
                  fmt::format("cannot write {}: {}", path.string(), sf_strerror(file.get())));
  }
  return Status::ok();
}

}  // namespace callagent::callsim
