#include "host/pipeline/voice_activity_detector.h"

#include <algorithm>
#include <cmath>

#include "host/audio/mulaw.h"

namespace callagent::pipeline {
namespace {

// The caller's audio is μ-law at 8 kHz: one byte per sample, eight samples per millisecond.
constexpr std::int64_t kSamplesPerMs = 8;
constexpr double kFullScale = 32768.0;
// Digital silence has no level in decibels; this is below anything 16-bit audio resolves.
constexpr double kQuietestLevelDbfs = -96.0;

// The floor follows the line's noise slowly upwards, so the start of speech barely moves
// it, and quickly downwards, so one loud moment does not deafen the detector for long.
constexpr double kFloorRiseTimeConstantMs = 1500.0;
constexpr double kFloorFallTimeConstantMs = 60.0;
// While "speaking" the floor still creeps up, far more slowly: real speech has pauses
// that pull it back down, but a hum that starts mid-call would otherwise count as
// endless speech (no barge-in ever ends, no silence is ever measured).
constexpr double kFloorRiseWhileSpeakingTimeConstantMs = 4000.0;

double chunk_level_dbfs(std::span<const std::uint8_t> mulaw_audio) {
  double sum_of_squares = 0.0;
  for (const std::uint8_t code : mulaw_audio) {
    const double sample = audio::mulaw_to_linear(code);
    sum_of_squares += sample * sample;
  }
  const double rms = std::sqrt(sum_of_squares / static_cast<double>(mulaw_audio.size()));
  if (rms <= 0.0) return kQuietestLevelDbfs;
  return std::max(20.0 * std::log10(rms / kFullScale), kQuietestLevelDbfs);
}

// Exponential smoothing whose weight depends on the chunk's duration, so the floor moves
// at the same speed in real time whatever the chunk size.
double smoothed(double current, double target, std::int64_t duration_ms, double time_constant_ms) {
  const double weight = 1.0 - std::exp(-static_cast<double>(duration_ms) / time_constant_ms);
  return current + weight * (target - current);
}

double next_noise_floor_dbfs(double floor_dbfs, double level_dbfs, std::int64_t duration_ms,
                             bool speaking) {
  const double time_constant_ms = level_dbfs <= floor_dbfs ? kFloorFallTimeConstantMs
                                  : speaking               ? kFloorRiseWhileSpeakingTimeConstantMs
                                                           : kFloorRiseTimeConstantMs;
  return smoothed(floor_dbfs, level_dbfs, duration_ms, time_constant_ms);
}

}  // namespace

VoiceActivityDetector::VoiceActivityDetector(VadSettings settings) : settings_(settings) {}

VadEvent VoiceActivityDetector::process(std::span<const std::uint8_t> mulaw_audio,
                                        std::int64_t stream_offset_ms) {
  if (mulaw_audio.empty()) return VadEvent::none;
  const auto duration_ms = static_cast<std::int64_t>(mulaw_audio.size()) / kSamplesPerMs;
  const std::int64_t chunk_end_ms = stream_offset_ms + duration_ms;
  audio_end_ms_ = std::max(audio_end_ms_, chunk_end_ms);

  // Below this the floor no longer changes the threshold (the absolute minimum wins);
  // keeping it there lets it catch up quickly when noise appears on a silent line.
  const double lowest_useful_floor_dbfs =
      settings_.minimum_speech_dbfs - settings_.threshold_above_noise_db;
  const double level_dbfs = chunk_level_dbfs(mulaw_audio);
  if (!noise_floor_learned_) {
    // A call starts with the caller listening to the greeting: its first audio is the
    // line's own noise, the best first guess there is.
    noise_floor_dbfs_ = std::max(level_dbfs, lowest_useful_floor_dbfs);
    noise_floor_learned_ = true;
  }

  // Judged against the floor as it was before this chunk, so a sudden sound is not
  // measured against itself.
  const bool loud = level_dbfs >= std::max(noise_floor_dbfs_ + settings_.threshold_above_noise_db,
                                           settings_.minimum_speech_dbfs);
  last_chunk_loud_ = loud;
  if (loud) last_sound_end_ms_ = chunk_end_ms;
  noise_floor_dbfs_ =
      std::max(next_noise_floor_dbfs(noise_floor_dbfs_, level_dbfs, duration_ms, speaking_),
               lowest_useful_floor_dbfs);

  if (!speaking_) {
    loud_run_ms_ = loud ? loud_run_ms_ + duration_ms : 0;
    if (!loud || loud_run_ms_ < settings_.onset_ms) return VadEvent::none;
    speaking_ = true;
    speech_started_at_ms_ = chunk_end_ms - loud_run_ms_;
    quiet_run_ms_ = 0;
    return VadEvent::speech_started;
  }
  quiet_run_ms_ = loud ? 0 : quiet_run_ms_ + duration_ms;
  if (loud || quiet_run_ms_ < settings_.hangover_ms) return VadEvent::none;
  speaking_ = false;
  speech_ended_at_ms_ = chunk_end_ms - quiet_run_ms_;
  loud_run_ms_ = 0;
  return VadEvent::speech_ended;
}

std::int64_t VoiceActivityDetector::silence_ms() const noexcept {
  // Before any speech the whole stream so far is silence (speech_ended_at_ms_ is 0).
  return speaking_ ? 0 : audio_end_ms_ - speech_ended_at_ms_;
}

}  // namespace callagent::pipeline
