// A small energy-based voice activity detector on the caller's μ-law audio. It does not
// transcribe; it answers "is the caller making speech-like sound right now?" quickly,
// so barge-in does not wait for the STT, and measures silence for endpointing and idle
// checks on the audio's own timeline.
//
// It adapts to the line's noise floor, needs `onset_ms` of sound to declare speech (a
// click is not speech) and `hangover_ms` of quiet to declare it over.
//
// Threading: single-threaded (the call's strand). Pure: time is the audio's own.
#pragma once

#include <cstdint>
#include <span>

namespace callagent::pipeline {

struct VadSettings {
  std::int64_t onset_ms = 120;
  std::int64_t hangover_ms = 400;
  // Speech must be this many dB above the tracked noise floor...
  double threshold_above_noise_db = 12.0;
  // ...and above this absolute level (dBFS), so a silent line never "speaks".
  double minimum_speech_dbfs = -45.0;
};

enum class VadEvent { none, speech_started, speech_ended };

class VoiceActivityDetector {
 public:
  explicit VoiceActivityDetector(VadSettings settings = {});

  // Feeds one chunk (normally 20 ms) that starts at `stream_offset_ms`. Returns an event
  // when the state changes with this chunk.
  VadEvent process(std::span<const std::uint8_t> mulaw_audio, std::int64_t stream_offset_ms);

  bool speaking() const noexcept { return speaking_; }
  // The last chunk was loud enough to be speech: true from a sound's first chunk, before
  // `onset_ms` have passed and speaking() turns true.
  bool heard_sound() const noexcept { return last_chunk_loud_; }
  // Milliseconds of audio since the end of the last loud chunk, speech or not (from the
  // stream's start when nothing was loud yet).
  std::int64_t ms_since_sound() const noexcept { return audio_end_ms_ - last_sound_end_ms_; }
  // Where the current or last speech started / ended on the stream timeline.
  std::int64_t speech_started_at_ms() const noexcept { return speech_started_at_ms_; }
  std::int64_t speech_ended_at_ms() const noexcept { return speech_ended_at_ms_; }
  // Milliseconds of audio since the last speech ended (0 while speaking).
  std::int64_t silence_ms() const noexcept;
  double noise_floor_dbfs() const noexcept { return noise_floor_dbfs_; }

 private:
  VadSettings settings_;
  bool speaking_ = false;
  bool last_chunk_loud_ = false;
  std::int64_t last_sound_end_ms_ = 0;
  std::int64_t loud_run_ms_ = 0;
  std::int64_t quiet_run_ms_ = 0;
  std::int64_t speech_started_at_ms_ = 0;
  std::int64_t speech_ended_at_ms_ = 0;
  std::int64_t audio_end_ms_ = 0;
  double noise_floor_dbfs_ = -60.0;
  bool noise_floor_learned_ = false;  // the first chunk sets the floor outright
};

}  // namespace callagent::pipeline
