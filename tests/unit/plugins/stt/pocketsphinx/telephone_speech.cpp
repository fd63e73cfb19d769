#include "telephone_speech.h"

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

#include <speex/speex_resampler.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <flite/flite.h>
#pragma GCC diagnostic pop

#include "host/audio/mulaw.h"

extern "C" cst_voice* register_cmu_us_rms(const char* voxdir);

namespace callagent::plugins::pocketsphinx::testing {
namespace {

constexpr std::uint32_t kTelephoneRateHz = 8000;
// Enough zeros after the audio to push the resampler's delayed tail out.
constexpr std::size_t kResamplerFlushSamples = 256;

std::vector<std::int16_t> resample(const std::vector<std::int16_t>& input, std::uint32_t from_hz,
                                   std::uint32_t to_hz) {
  int error = 0;
  std::unique_ptr<SpeexResamplerState, void (*)(SpeexResamplerState*)> resampler(
      speex_resampler_init(1, from_hz, to_hz, SPEEX_RESAMPLER_QUALITY_DEFAULT, &error),
      &speex_resampler_destroy);
  if (!resampler) throw std::runtime_error("speex_resampler_init failed");
  speex_resampler_skip_zeros(resampler.get());
  std::vector<std::int16_t> padded = input;
  padded.resize(padded.size() + kResamplerFlushSamples, 0);
  std::vector<std::int16_t> output(padded.size() * to_hz / from_hz + 64);
  auto input_length = static_cast<spx_uint32_t>(padded.size());
  auto output_length = static_cast<spx_uint32_t>(output.size());
  speex_resampler_process_int(resampler.get(), 0, padded.data(), &input_length, output.data(),
                              &output_length);
  // Keep exactly the input's duration at the new rate.
  output.resize(std::min<std::size_t>(output_length, input.size() * to_hz / from_hz));
  return output;
}

// 16 kHz → telephone line → 16 kHz.
std::vector<std::int16_t> through_telephone_line(const std::vector<std::int16_t>& wideband,
                                                 std::uint32_t rate_hz) {
  std::vector<std::int16_t> narrowband = resample(wideband, rate_hz, kTelephoneRateHz);
  for (std::int16_t& sample : narrowband) {
    sample = audio::mulaw_to_linear(audio::linear_to_mulaw(sample));
  }
  return resample(narrowband, kTelephoneRateHz, kTestSampleRateHz);
}

cst_voice* rms_voice() {
  static cst_voice* const voice = [] {
    flite_init();
    return register_cmu_us_rms(nullptr);
  }();
  return voice;
}

}  // namespace

const std::vector<std::int16_t>& telephone_speech(std::string_view text) {
  static std::map<std::string, std::vector<std::int16_t>, std::less<>> cache;
  if (const auto found = cache.find(text); found != cache.end()) return found->second;
  const std::string text_copy(text);
  cst_wave* wave = flite_text_to_wave(text_copy.c_str(), rms_voice());
  if (wave == nullptr) throw std::runtime_error("flite could not say: " + text_copy);
  const std::vector<std::int16_t> wideband(wave->samples, wave->samples + wave->num_samples);
  const auto rate_hz = static_cast<std::uint32_t>(wave->sample_rate);
  delete_wave(wave);
  return cache.emplace(text_copy, through_telephone_line(wideband, rate_hz)).first->second;
}

std::vector<std::int16_t> telephone_silence(std::int64_t duration_ms) {
  std::vector<std::int16_t> noise(static_cast<std::size_t>(duration_ms) * kTestSampleRateHz / 1000);
  // A fixed linear congruential sequence: line hiss about 60 dB below full scale.
  std::uint32_t state = 12345;
  for (std::int16_t& sample : noise) {
    state = state * 1664525U + 1013904223U;
    sample = static_cast<std::int16_t>(static_cast<int>(state >> 24) % 33 - 16);
  }
  return through_telephone_line(noise, kTestSampleRateHz);
}

std::int64_t duration_ms_of(const std::vector<std::int16_t>& samples) {
  return static_cast<std::int64_t>(samples.size()) * 1000 / kTestSampleRateHz;
}

Status ChunkFeeder::feed(SttSession& session, const std::vector<std::int16_t>& samples) {
  return feed_prefix(session, samples, duration_ms_of(samples));
}

Status ChunkFeeder::feed_prefix(SttSession& session, const std::vector<std::int16_t>& samples,
                                std::int64_t duration_ms) {
  constexpr std::size_t kChunkSamples = kTestSampleRateHz * kChunkMs / 1000;
  const std::size_t end =
      std::min(samples.size(), static_cast<std::size_t>(duration_ms) * kTestSampleRateHz / 1000);
  Status first_failure;
  std::vector<std::uint8_t> bytes;
  for (std::size_t start = 0; start < end; start += kChunkSamples) {
    const std::size_t count = std::min(kChunkSamples, end - start);
    bytes.resize(count * 2);
    for (std::size_t index = 0; index < count; ++index) {
      const auto value = static_cast<std::uint16_t>(samples[start + index]);
      bytes[2 * index] = static_cast<std::uint8_t>(value & 0xFF);
      bytes[2 * index + 1] = static_cast<std::uint8_t>(value >> 8);
    }
    const AudioChunk chunk{bytes.data(), bytes.size(), AudioEncoding::pcm16_le, kTestSampleRateHz,
                           next_offset_ms_};
    if (Status status = session.send_audio(chunk); !status && first_failure) first_failure = status;
    next_offset_ms_ += static_cast<std::int64_t>(count) * 1000 / kTestSampleRateHz;
  }
  return first_failure;
}

}  // namespace callagent::plugins::pocketsphinx::testing
