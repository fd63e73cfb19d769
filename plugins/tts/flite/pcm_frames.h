// Flite's samples as the host's audio frames: 16-bit little-endian PCM, 20 ms each.
//
// 20 ms is the host's and Twilio's frame. The last frame is padded with silence, so every
// chunk a session sends is whole and every stream_offset_ms is an exact multiple of 20.
//
// Threading: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace callagent::plugins {

inline constexpr std::int64_t kFrameDurationMs = 20;

// Samples in one 20 ms frame: 320 at 16 kHz, 160 at 8 kHz.
std::size_t samples_per_frame(std::uint32_t sample_rate_hz) noexcept;

// The samples as little-endian bytes, whatever the machine's byte order, followed by
// silence up to a whole number of frames of `frame_samples` (≥ 1) samples.
std::vector<std::uint8_t> to_pcm16_le_frames(std::span<const std::int16_t> samples, std::size_t frame_samples);

}  // namespace callagent::plugins
