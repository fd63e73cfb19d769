#include "host/pipeline/dtmf_tones.h"

#include <cmath>
#include <numbers>

#include "host/audio/mulaw.h"

namespace callagent::pipeline {
namespace {

constexpr int kSampleRateHz = 8000;
constexpr double kAmplitude = 0.35 * 32767.0;  // each tone; the pair stays below full scale

struct TonePair {
  double low_hz;
  double high_hz;
};

std::optional<TonePair> tones_for(char digit) {
  static constexpr double kLow[] = {697.0, 770.0, 852.0, 941.0};
  static constexpr double kHigh[] = {1209.0, 1336.0, 1477.0, 1633.0};
  static constexpr std::string_view kKeypad = "123A456B789C*0#D";
  const auto position = kKeypad.find(digit);
  if (position == std::string_view::npos) return std::nullopt;
  return TonePair{kLow[position / 4], kHigh[position % 4]};
}

void append_silence(std::vector<std::uint8_t>& audio, int milliseconds) {
  audio.insert(audio.end(), static_cast<std::size_t>(milliseconds) * (kSampleRateHz / 1000),
               audio::kMulawSilence);
}

}  // namespace

std::optional<std::vector<std::uint8_t>> dtmf_audio(std::string_view digits, int tone_ms, int gap_ms) {
  std::vector<std::uint8_t> audio;
  for (const char digit : digits) {
    if (digit == 'w') {
      append_silence(audio, 500);
      continue;
    }
    const auto pair = tones_for(digit);
    if (!pair) return std::nullopt;
    const int samples = tone_ms * kSampleRateHz / 1000;
    for (int sample = 0; sample < samples; ++sample) {
      const double time_seconds = static_cast<double>(sample) / kSampleRateHz;
      const double value = kAmplitude * (std::sin(2.0 * std::numbers::pi * pair->low_hz * time_seconds) +
                                         std::sin(2.0 * std::numbers::pi * pair->high_hz * time_seconds));
      audio.push_back(audio::linear_to_mulaw(static_cast<std::int16_t>(value)));
    }
    append_silence(audio, gap_ms);
  }
  return audio;
}

}  // namespace callagent::pipeline
