// G.711 μ-law ⇄ 16-bit linear PCM (ITU-T G.711), table-driven.
// 0xFF is μ-law silence (linear 0).
//
// Threading: pure functions; the tables are constant.
#pragma once

#include <cstdint>
#include <span>

namespace callagent::audio {

inline constexpr std::uint8_t kMulawSilence = 0xFF;

std::int16_t mulaw_to_linear(std::uint8_t mulaw) noexcept;
std::uint8_t linear_to_mulaw(std::int16_t linear) noexcept;

// `output` must be at least `input.size()` long.
void mulaw_to_linear(std::span<const std::uint8_t> input, std::span<std::int16_t> output) noexcept;
void linear_to_mulaw(std::span<const std::int16_t> input, std::span<std::uint8_t> output) noexcept;

}  // namespace callagent::audio
