#include "pcm_frames.h"

#include <algorithm>

namespace callagent::plugins {

std::size_t samples_per_frame(std::uint32_t sample_rate_hz) noexcept {
  return static_cast<std::size_t>(sample_rate_hz) * static_cast<std::size_t>(kFrameDurationMs) / 1000;
}

std::vector<std::uint8_t> to_pcm16_le_frames(std::span<const std::int16_t> samples, std::size_t frame_samples) {
  frame_samples = std::max<std::size_t>(frame_samples, 1);
  const std::size_t frames = (samples.size() + frame_samples - 1) / frame_samples;
  std::vector<std::uint8_t> bytes(frames * frame_samples * 2, 0);  // zero bytes are silence
  for (std::size_t index = 0; index < samples.size(); ++index) {
    const auto bits = static_cast<std::uint16_t>(samples[index]);
    bytes[2 * index] = static_cast<std::uint8_t>(bits & 0xFFU);
    bytes[2 * index + 1] = static_cast<std::uint8_t>(bits >> 8U);
  }
  return bytes;
}

}  // namespace callagent::plugins
