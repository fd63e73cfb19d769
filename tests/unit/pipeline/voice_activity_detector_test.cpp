#include "host/pipeline/voice_activity_detector.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>

#include "host/audio/mulaw.h"

namespace callagent::pipeline {
namespace {

constexpr int kSamplesPerMs = 8;
constexpr std::int64_t kChunkMs = 20;

// Synthetic caller audio, built as linear samples and encoded to μ-law at the end.
class Signal {
 public:
  Signal& silence(int duration_ms) {
    samples_.insert(samples_.end(), static_cast<std::size_t>(duration_ms * kSamplesPerMs), 0.0);
    return *this;
  }

  // A sine whose RMS level is `level_dbfs` (relative to full scale 32768).
  Signal& tone(int duration_ms, double frequency_hz, double level_dbfs) {
    silence(duration_ms);
    return mix_tone(duration_ms, frequency_hz, level_dbfs);
  }

  // Adds a sine over the last `duration_ms` already in the signal.
  Signal& mix_tone(int duration_ms, double frequency_hz, double level_dbfs) {
    const double amplitude = rms_for(level_dbfs) * std::numbers::sqrt2;
    const std::size_t count = static_cast<std::size_t>(duration_ms * kSamplesPerMs);
    for (std::size_t index = samples_.size() - count; index < samples_.size(); ++index) {
      const double time_s = static_cast<double>(index) / 8000.0;
      samples_[index] += amplitude * std::sin(2.0 * std::numbers::pi * frequency_hz * time_s);
    }
    return *this;
  }

  // Uniform white noise at an RMS of `level_dbfs`, from a fixed-seed generator.
  Signal& noise(int duration_ms, double level_dbfs) {
    const double amplitude = rms_for(level_dbfs) * std::sqrt(3.0);
    for (int index = 0; index < duration_ms * kSamplesPerMs; ++index) {
      noise_state_ = noise_state_ * 6364136223846793005ULL + 1442695040888963407ULL;
      const double uniform = static_cast<double>(noise_state_ >> 11) / 9007199254740992.0;
      samples_.push_back(amplitude * (2.0 * uniform - 1.0));
    }
    return *this;
  }

  std::vector<std::uint8_t> mulaw() const {
    std::vector<std::uint8_t> encoded;
    for (const double sample : samples_) {
      const double clamped = std::clamp(std::round(sample), -32768.0, 32767.0);
      encoded.push_back(audio::linear_to_mulaw(static_cast<std::int16_t>(clamped)));
    }
    return encoded;
  }

 private:
  static double rms_for(double level_dbfs) { return 32768.0 * std::pow(10.0, level_dbfs / 20.0); }

  std::vector<double> samples_;
  std::uint64_t noise_state_ = 42;
};

struct Event {
  VadEvent kind;
  std::int64_t chunk_offset_ms;
};

// Feeds the audio in 20 ms chunks starting at `start_offset_ms`; returns the events.
std::vector<Event> feed(VoiceActivityDetector& detector, const std::vector<std::uint8_t>& audio,
                        std::int64_t start_offset_ms = 0) {
  std::vector<Event> events;
  const std::size_t chunk_bytes = kChunkMs * kSamplesPerMs;
  for (std::size_t start = 0; start < audio.size(); start += chunk_bytes) {
    const std::size_t size = std::min(chunk_bytes, audio.size() - start);
    const std::int64_t offset_ms =
        start_offset_ms + static_cast<std::int64_t>(start) / kSamplesPerMs;
    const VadEvent event = detector.process({audio.data() + start, size}, offset_ms);
    if (event != VadEvent::none) events.push_back({event, offset_ms});
  }
  return events;
}

TEST(VoiceActivityDetectorTest, StartsQuietWithNoSilenceYet) {
  const VoiceActivityDetector detector;
  EXPECT_FALSE(detector.speaking());
  EXPECT_EQ(detector.silence_ms(), 0);
}

TEST(VoiceActivityDetectorTest, OneToneBetweenSilencesIsOneStretchOfSpeech) {
  const VadSettings settings;
  VoiceActivityDetector detector(settings);
  const auto audio = Signal().silence(1000).tone(1000, 300.0, -20.0).silence(1000).mulaw();

  const std::vector<Event> events = feed(detector, audio);

  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].kind, VadEvent::speech_started);
  // Declared once onset_ms of sound has been heard, dated back to where the sound began.
  EXPECT_GE(events[0].chunk_offset_ms, 1000);
  EXPECT_LE(events[0].chunk_offset_ms, 1000 + settings.onset_ms);
  EXPECT_EQ(detector.speech_started_at_ms(), 1000);
  EXPECT_EQ(events[1].kind, VadEvent::speech_ended);
  EXPECT_GE(events[1].chunk_offset_ms, 2000);
  EXPECT_LE(events[1].chunk_offset_ms, 2000 + settings.hangover_ms);
  EXPECT_EQ(detector.speech_ended_at_ms(), 2000);
  EXPECT_FALSE(detector.speaking());
  EXPECT_EQ(detector.silence_ms(), 1000);
}

TEST(VoiceActivityDetectorTest, SilenceIsZeroWhileSpeakingAndCountsFromTheEndOfSpeech) {
  VoiceActivityDetector detector;
  feed(detector, Signal().silence(500).tone(600, 300.0, -20.0).mulaw());
  EXPECT_TRUE(detector.speaking());
  EXPECT_EQ(detector.silence_ms(), 0);
  feed(detector, Signal().silence(700).mulaw(), 1100);
  EXPECT_FALSE(detector.speaking());
  EXPECT_EQ(detector.speech_ended_at_ms(), 1100);
  EXPECT_EQ(detector.silence_ms(), 700);
}

// The first loud chunk is heard at once, before onset_ms make it speech; a quiet chunk
// clears it, also while speaking() still holds through the hangover.
TEST(VoiceActivityDetectorTest, HeardSoundFollowsEachChunkBeforeOnsetAndDuringHangover) {
  VoiceActivityDetector detector;
  feed(detector, Signal().silence(500).mulaw());
  EXPECT_FALSE(detector.heard_sound());
  feed(detector, Signal().tone(20, 300.0, -20.0).mulaw(), 500);
  EXPECT_TRUE(detector.heard_sound());
  EXPECT_FALSE(detector.speaking());
  feed(detector, Signal().tone(300, 300.0, -20.0).mulaw(), 520);
  EXPECT_TRUE(detector.speaking());
  feed(detector, Signal().silence(20).mulaw(), 820);
  EXPECT_FALSE(detector.heard_sound());
  EXPECT_TRUE(detector.speaking());
  EXPECT_EQ(detector.ms_since_sound(), 20);
  feed(detector, Signal().silence(1000).mulaw(), 840);
  EXPECT_EQ(detector.ms_since_sound(), 1020);
}

TEST(VoiceActivityDetectorTest, BeforeAnySpeechAllAudioIsSilence) {
  VoiceActivityDetector detector;
  feed(detector, Signal().silence(1500).mulaw());
  EXPECT_EQ(detector.silence_ms(), 1500);
}

TEST(VoiceActivityDetectorTest, TimesFollowTheStreamOffsets) {
  VoiceActivityDetector detector;
  const auto events =
      feed(detector, Signal().silence(200).tone(500, 300.0, -20.0).silence(600).mulaw(), 60000);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(detector.speech_started_at_ms(), 60200);
  EXPECT_EQ(detector.speech_ended_at_ms(), 60700);
  EXPECT_EQ(detector.silence_ms(), 600);
}

TEST(VoiceActivityDetectorTest, AClickIsNotSpeech) {
  VoiceActivityDetector detector;
  const auto events =
      feed(detector, Signal().silence(1000).tone(40, 1000.0, -6.0).silence(1000).mulaw());
  EXPECT_TRUE(events.empty());
  EXPECT_FALSE(detector.speaking());
  EXPECT_EQ(detector.silence_ms(), 2040);
}

TEST(VoiceActivityDetectorTest, QuietBackgroundNoiseNeverSpeaks) {
  VoiceActivityDetector detector;
  const auto events = feed(detector, Signal().silence(300).noise(5000, -50.0).mulaw());
  EXPECT_TRUE(events.empty());
  EXPECT_FALSE(detector.speaking());
}

TEST(VoiceActivityDetectorTest, TheNoiseFloorAdaptsToAHumSoOnlyLouderSoundIsSpeech) {
  VoiceActivityDetector detector;
  // A 100 Hz hum has whole periods in every 20 ms chunk, so its level is steady.
  EXPECT_TRUE(feed(detector, Signal().tone(3000, 100.0, -35.0).mulaw()).empty());
  EXPECT_NEAR(detector.noise_floor_dbfs(), -35.0, 1.0);

  // Soft speech over the hum is loud enough in absolute terms but not above the hum.
  EXPECT_TRUE(
      feed(detector, Signal().tone(1000, 100.0, -35.0).mix_tone(1000, 300.0, -30.0).mulaw(), 3000)
          .empty());

  const auto events =
      feed(detector, Signal().tone(1000, 100.0, -35.0).mix_tone(1000, 300.0, -15.0).mulaw(), 4000);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, VadEvent::speech_started);
  EXPECT_EQ(detector.speech_started_at_ms(), 4000);
}

TEST(VoiceActivityDetectorTest, AHumStartingMidCallIsAbsorbedInsteadOfSpeakingForever) {
  VoiceActivityDetector detector;
  const auto events = feed(detector, Signal().silence(1000).tone(10000, 100.0, -35.0).mulaw());
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].kind, VadEvent::speech_started);
  EXPECT_EQ(events[1].kind, VadEvent::speech_ended);
  EXPECT_LT(events[1].chunk_offset_ms, 6000);
  EXPECT_FALSE(detector.speaking());
  EXPECT_NEAR(detector.noise_floor_dbfs(), -35.0, 1.0);
}

TEST(VoiceActivityDetectorTest, OnsetAndHangoverComeFromTheSettings) {
  VadSettings settings;
  settings.onset_ms = 40;
  settings.hangover_ms = 100;
  VoiceActivityDetector detector(settings);
  // With a 40 ms onset the same click that was no speech before now is.
  const auto events =
      feed(detector, Signal().silence(1000).tone(40, 1000.0, -6.0).silence(500).mulaw());
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].chunk_offset_ms, 1020);
  EXPECT_EQ(detector.speech_started_at_ms(), 1000);
  EXPECT_EQ(events[1].chunk_offset_ms, 1120);
  EXPECT_EQ(detector.speech_ended_at_ms(), 1040);
}

TEST(VoiceActivityDetectorTest, EmptyChunksChangeNothing) {
  VoiceActivityDetector detector;
  EXPECT_EQ(detector.process({}, 0), VadEvent::none);
  EXPECT_EQ(detector.silence_ms(), 0);
}

}  // namespace
}  // namespace callagent::pipeline
