#include "tools/call-sim/audio_resampler.h"

#include <speex/speex_resampler.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "host/audio/mulaw.h"

namespace callagent::callsim {
namespace {

constexpr int kResamplerQuality = 5;

struct ResamplerDeleter {
  void operator()(SpeexResamplerState* state) const noexcept { speex_resampler_destroy(state); }
};
using ResamplerPtr = std::unique_ptr<SpeexResamplerState, ResamplerDeleter>;

}  // namespace

Result<std::vector<float>> resample(std::span<const float> input, std::uint32_t input_rate_hz,
                                    std::uint32_t output_rate_hz) {
  if (input_rate_hz == 0 || output_rate_hz == 0) {
    return Status(ErrorCode::invalid_argument, "sample rate must be positive");
  }
  if (input_rate_hz == output_rate_hz) return std::vector<float>(input.begin(), input.end());

  const auto expected_samples = static_cast<std::size_t>(std::llround(
      static_cast<double>(input.size()) * output_rate_hz / static_cast<double>(input_rate_hz)));
  int error = 0;
  ResamplerPtr resampler(
      speex_resampler_init(1, input_rate_hz, output_rate_hz, kResamplerQuality, &error));
  if (!resampler) {
    return Status(ErrorCode::internal, fmt::format("speex resampler {} Hz → {} Hz: {}", input_rate_hz,
                                                   output_rate_hz, speex_resampler_strerror(error)));
  }
  // Without this the output starts with the filter's delay worth of near-silence.
  speex_resampler_skip_zeros(resampler.get());

  // Feed the input, then the filter's delay worth of zeros so its tail comes out too.
  std::vector<float> padded(input.begin(), input.end());
  padded.resize(input.size() + static_cast<std::size_t>(
                                   speex_resampler_get_input_latency(resampler.get())) + 1, 0.0F);

  std::vector<float> output(expected_samples + 64);
  std::size_t consumed = 0;
  std::size_t produced = 0;
  while (consumed < padded.size() && produced < output.size()) {
    auto input_length = static_cast<spx_uint32_t>(padded.size() - consumed);
    auto output_length = static_cast<spx_uint32_t>(output.size() - produced);
    const int status = speex_resampler_process_float(resampler.get(), 0, padded.data() + consumed,
                                                     &input_length, output.data() + produced,
                                                     &output_length);
    if (status != RESAMPLER_ERR_SUCCESS) {
      return Status(ErrorCode::internal, fmt::format("speex resampler: {}", speex_resampler_strerror(status)));
    }
    if (input_length == 0 && output_length == 0) break;
    consumed += input_length;
    produced += output_length;
  }
  output.resize(std::min(produced, expected_samples));
  output.resize(expected_samples, 0.0F);
  return output;
}

std::vector<std::uint8_t> float_to_mulaw(std::span<const float> samples) {
  std::vector<std::uint8_t> mulaw(samples.size());
  std::transform(samples.begin(), samples.end(), mulaw.begin(), [](float sample) {
    const float scaled = std::clamp(sample, -1.0F, 1.0F) * 32767.0F;
    return audio::linear_to_mulaw(static_cast<std::int16_t>(std::lround(scaled)));
  });
  return mulaw;
}

}  // namespace callagent::callsim
