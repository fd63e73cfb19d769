// Synthetic caller audio for the stt_deepgram tests: μ-law 8 kHz "speech" (a loud tone the
// fake server's energy detector hears) and silence, fed to a session in 20 ms chunks
// with their offsets on the call's timeline.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "callagent/plugin_api.h"

namespace callagent::plugins::deepgram::testing {

// G.711 μ-law encoding of one linear 16-bit sample.
inline std::uint8_t linear_to_mulaw(int sample) {
  constexpr int kBias = 0x84;
  constexpr int kClip = 32635;
  const unsigned sign = sample < 0 ? 0x80U : 0U;
  int magnitude = sample < 0 ? -sample : sample;
  if (magnitude > kClip) magnitude = kClip;
  magnitude += kBias;
  unsigned exponent = 7;
  for (unsigned mask = 0x4000; (static_cast<unsigned>(magnitude) & mask) == 0 && exponent > 0; mask >>= 1U) --exponent;
  const unsigned mantissa = (static_cast<unsigned>(magnitude) >> (exponent + 3U)) & 0x0FU;
  return static_cast<std::uint8_t>(~(sign | (exponent << 4U) | mantissa) & 0xFFU);
}

// Feeds a session, keeping the call offset.
class CallerAudio {
 public:
  explicit CallerAudio(SttSession& session) : session_(session) {}

  void speech(std::int64_t duration_ms) { send(duration_ms, true); }
  void silence(std::int64_t duration_ms) { send(duration_ms, false); }
  std::int64_t offset_ms() const { return offset_ms_; }

 private:
  void send(std::int64_t duration_ms, bool loud) {
    constexpr double kPi = 3.14159265358979;
    for (std::int64_t sent_ms = 0; sent_ms < duration_ms; sent_ms += 20) {
      std::vector<std::uint8_t> frame(160);
      for (std::size_t i = 0; i < frame.size(); ++i) {
        const double t_s = static_cast<double>(sample_index_++) / 8000.0;
        frame[i] = loud ? linear_to_mulaw(static_cast<int>(8000.0 * std::sin(2.0 * kPi * 440.0 * t_s)))
                        : linear_to_mulaw(0);
      }
      AudioChunk chunk;
      chunk.data = frame.data();
      chunk.size_bytes = frame.size();
      chunk.stream_offset_ms = offset_ms_;
      (void)session_.send_audio(chunk);
      offset_ms_ += 20;
    }
  }

  SttSession& session_;
  std::int64_t offset_ms_ = 0;
  std::int64_t sample_index_ = 0;
};

}  // namespace callagent::plugins::deepgram::testing
