#include "host/audio/mulaw.h"

#include <array>

namespace callagent::audio {
namespace {

// G.711 μ-law: sign bit, 3-bit exponent (segment) and 4-bit mantissa, all bits inverted
// on the wire. Encoding adds a bias of 0x84 so every segment boundary is a power of two.
constexpr int kBias = 0x84;
constexpr int kClip = 32635;

constexpr std::int16_t decode(std::uint8_t mulaw) {
  const int inverted = ~mulaw & 0xFF;
  const int exponent = (inverted >> 4) & 0x07;
  const int mantissa = inverted & 0x0F;
  const int magnitude = (((mantissa << 3) + kBias) << exponent) - kBias;
  return static_cast<std::int16_t>((inverted & 0x80) != 0 ? -magnitude : magnitude);
}

constexpr std::array<std::int16_t, 256> make_decode_table() {
  std::array<std::int16_t, 256> table{};
  for (int code = 0; code < 256; ++code) table[static_cast<std::size_t>(code)] = decode(static_cast<std::uint8_t>(code));
  return table;
}

constexpr std::array<std::int16_t, 256> kDecodeTable = make_decode_table();

}  // namespace

std::int16_t mulaw_to_linear(std::uint8_t mulaw) noexcept { return kDecodeTable[mulaw]; }

std::uint8_t linear_to_mulaw(std::int16_t linear) noexcept {
  int sample = linear;
  const int sign = sample < 0 ? 0x80 : 0x00;
  if (sample < 0) sample = -sample;
  if (sample > kClip) sample = kClip;
  sample += kBias;
  int exponent = 7;
  for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) --exponent;
  const int mantissa = (sample >> (exponent + 3)) & 0x0F;
  return static_cast<std::uint8_t>(~(sign | (exponent << 4) | mantissa) & 0xFF);
}

void mulaw_to_linear(std::span<const std::uint8_t> input, std::span<std::int16_t> output) noexcept {
  for (std::size_t index = 0; index < input.size() && index < output.size(); ++index) {
    output[index] = kDecodeTable[input[index]];
  }
}

void linear_to_mulaw(std::span<const std::int16_t> input, std::span<std::uint8_t> output) noexcept {
  for (std::size_t index = 0; index < input.size() && index < output.size(); ++index) {
    output[index] = linear_to_mulaw(input[index]);
  }
}

}  // namespace callagent::audio
