// Test audio in G.711 μ-law 8 kHz: tones a voice-activity detector hears as speech, silence
// it hears as quiet, and the level meter the fake STT listens with.
//
// The fakes carry their own small codec instead of linking the host's (host/audio): a plugin
// .so may only depend on the plugin API, and the fakes must not share a bug with the code
// they test.
//
// Threading: pure functions, no state.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>
#include <vector>

namespace callagent::fake_plugins {

inline constexpr std::uint32_t kFakeSampleRateHz = 8000;
// μ-law is one byte per sample: 8 bytes per millisecond at 8 kHz.
inline constexpr std::size_t kMulawBytesPerMs = kFakeSampleRateHz / 1000;
// μ-law code for linear 0 (what Twilio sends for silence).
inline constexpr std::uint8_t kMulawSilence = 0xFF;
// Loud enough for any VAD, well clear of clipping.
inline constexpr double kFakeSpeechPeakDbfs = -20.0;
// What mulaw_rms_dbfs reports for digital silence, instead of minus infinity.
inline constexpr double kSilenceFloorDbfs = -120.0;

namespace mulaw_detail {
// G.711 adds this bias before finding the segment so that every segment has a leading 1.
inline constexpr int kBias = 0x84;
inline constexpr int kClip = 32635;  // largest magnitude that still fits after the bias
}  // namespace mulaw_detail

inline std::uint8_t linear_to_mulaw(std::int16_t linear) noexcept {
  int magnitude = linear;
  const int sign_bit = magnitude < 0 ? 0x80 : 0;
  if (magnitude < 0) magnitude = -magnitude;
  if (magnitude > mulaw_detail::kClip) magnitude = mulaw_detail::kClip;
  magnitude += mulaw_detail::kBias;
  // The segment (exponent) is the position of the highest set bit above bit 7.
  int exponent = 7;
  for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) --exponent;
  const int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
  // μ-law stores the code inverted, so silence is 0xFF rather than a run of zero bits.
  return static_cast<std::uint8_t>(~(sign_bit | (exponent << 4) | mantissa) & 0xFF);
}

inline std::int16_t mulaw_to_linear(std::uint8_t mulaw) noexcept {
  const int code = ~mulaw & 0xFF;
  const int exponent = (code >> 4) & 0x07;
  const int mantissa = code & 0x0F;
  const int magnitude = ((mantissa << 3) + mulaw_detail::kBias) << exponent;
  return static_cast<std::int16_t>((code & 0x80) != 0 ? mulaw_detail::kBias - magnitude
                                                      : magnitude - mulaw_detail::kBias);
}

// Appends `duration_ms` of a sine at `frequency_hz` whose peak sits `peak_dbfs` below full
// scale. Each call starts at phase 0; at 8 kHz, 20 ms holds a whole number of periods of any
// multiple of 50 Hz, so 20 ms pieces of such a tone join without clicks.
inline void append_mulaw_tone(std::vector<std::uint8_t>& audio, double frequency_hz,
                              std::int64_t duration_ms,
                              double peak_dbfs = kFakeSpeechPeakDbfs) {
  if (duration_ms <= 0) return;
  const double peak = 32767.0 * std::pow(10.0, peak_dbfs / 20.0);
  const std::size_t sample_count = static_cast<std::size_t>(duration_ms) * kMulawBytesPerMs;
  audio.reserve(audio.size() + sample_count);
  for (std::size_t index = 0; index < sample_count; ++index) {
    const double phase = 2.0 * std::numbers::pi * frequency_hz * static_cast<double>(index) /
                         static_cast<double>(kFakeSampleRateHz);
    audio.push_back(linear_to_mulaw(static_cast<std::int16_t>(std::lround(peak * std::sin(phase)))));
  }
}

inline void append_mulaw_silence(std::vector<std::uint8_t>& audio, std::int64_t duration_ms) {
  if (duration_ms <= 0) return;
  audio.insert(audio.end(), static_cast<std::size_t>(duration_ms) * kMulawBytesPerMs, kMulawSilence);
}

inline std::vector<std::uint8_t> mulaw_tone(double frequency_hz, std::int64_t duration_ms,
                                            double peak_dbfs = kFakeSpeechPeakDbfs) {
  std::vector<std::uint8_t> audio;
  append_mulaw_tone(audio, frequency_hz, duration_ms, peak_dbfs);
  return audio;
}

// Root-mean-square level of μ-law audio in dB relative to full scale (32768), floored at
// kSilenceFloorDbfs. A sine with its peak at -20 dBFS measures about -23 dBFS.
inline double mulaw_rms_dbfs(std::span<const std::uint8_t> audio) noexcept {
  if (audio.empty()) return kSilenceFloorDbfs;
  double sum_of_squares = 0.0;
  for (const std::uint8_t code : audio) {
    const double sample = mulaw_to_linear(code);
    sum_of_squares += sample * sample;
  }
  const double rms = std::sqrt(sum_of_squares / static_cast<double>(audio.size()));
  if (rms <= 0.0) return kSilenceFloorDbfs;
  const double level_dbfs = 20.0 * std::log10(rms / 32768.0);
  return level_dbfs < kSilenceFloorDbfs ? kSilenceFloorDbfs : level_dbfs;
}

}  // namespace callagent::fake_plugins
