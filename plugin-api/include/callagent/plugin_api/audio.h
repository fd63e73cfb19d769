// Audio as it crosses the plugin boundary.
#pragma once

#include <cstddef>
#include <cstdint>

namespace callagent {

enum class AudioEncoding : std::uint8_t {
  mulaw,       // G.711 μ-law, 1 byte per sample: Twilio's and the host's native format
  alaw,        // G.711 A-law, 1 byte per sample
  pcm16_le,    // signed 16-bit little-endian linear PCM, 2 bytes per sample
};

constexpr std::size_t bytes_per_sample(AudioEncoding encoding) noexcept {
  return encoding == AudioEncoding::pcm16_le ? 2 : 1;
}

// A non-owning view of mono audio.
// Ownership: the bytes belong to whoever passes the chunk; they are valid only for the
// duration of the call that receives it. Copy what you need to keep.
struct AudioChunk {
  const std::uint8_t* data = nullptr;
  std::size_t size_bytes = 0;
  AudioEncoding encoding = AudioEncoding::mulaw;
  std::uint32_t sample_rate_hz = 8000;
  // Position of the first sample from the start of the stream, in milliseconds of audio
  // (not wall time). Lets an STT report word times on the caller's timeline.
  std::int64_t stream_offset_ms = 0;

  std::size_t sample_count() const noexcept { return size_bytes / bytes_per_sample(encoding); }
  std::int64_t duration_ms() const noexcept {
    return sample_rate_hz == 0 ? 0
                               : static_cast<std::int64_t>(sample_count()) * 1000 / sample_rate_hz;
  }
};

// The format a provider produces or wants.
struct AudioFormat {
  AudioEncoding encoding = AudioEncoding::mulaw;
  std::uint32_t sample_rate_hz = 8000;
};

}  // namespace callagent
