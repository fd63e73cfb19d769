// Sample-rate conversion to telephone rate with speexdsp's resampler (quality 5: clean
// enough for speech recognisers, cheap enough for many calls). Whole buffers only: the
// simulator converts each clip once before a call, never on the 20 ms path.
//
// Threading: pure function (each call owns its resampler state).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::callsim {

inline constexpr std::uint32_t kTelephoneSampleRateHz = 8000;

// Mono float samples in [-1, 1] at `input_rate_hz` → mono float at `output_rate_hz`.
// The output holds round(input × output_rate / input_rate) samples, time-aligned with the
// input (the filter's delay is removed and its tail flushed).
Result<std::vector<float>> resample(std::span<const float> input, std::uint32_t input_rate_hz,
                                    std::uint32_t output_rate_hz);

// Float [-1, 1] → 16-bit PCM with clipping → G.711 μ-law.
std::vector<std::uint8_t> float_to_mulaw(std::span<const float> samples);

}  // namespace callagent::callsim
