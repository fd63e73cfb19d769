// Converts audio between the host's native μ-law 8 kHz and what a provider wants or
// gives (PCM16 at 8/16/22.05/24/44.1/48 kHz, A-law), resampling with speexdsp.
// The identity conversion copies nothing and costs nothing.
//
// Threading: one converter per direction per call, used from the call's strand only
// (the resampler keeps filter state between chunks).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "callagent/plugin_api/audio.h"
#include "callagent/plugin_api/status.h"

namespace callagent::pipeline {

class AudioFormatConverter {
 public:
  // Fails (invalid_argument) for a sample rate of 0 or above 192 kHz.
  static Result<std::unique_ptr<AudioFormatConverter>> create(AudioFormat from, AudioFormat to);
  ~AudioFormatConverter();
  AudioFormatConverter(const AudioFormatConverter&) = delete;
  AudioFormatConverter& operator=(const AudioFormatConverter&) = delete;

  bool is_identity() const noexcept;
  // Converts `input` (in `from`) and appends the result (in `to`) to `output`. A
  // resampler may hold back a few samples until the next chunk.
  void convert(std::span<const std::uint8_t> input, std::vector<std::uint8_t>& output);

 private:
  struct State;
  explicit AudioFormatConverter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace callagent::pipeline
