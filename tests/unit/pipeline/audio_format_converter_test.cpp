#include "host/pipeline/audio_format_converter.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <numbers>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "host/audio/mulaw.h"

namespace callagent::pipeline {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr AudioFormat kMulaw8k{AudioEncoding::mulaw, 8000};
constexpr AudioFormat kAlaw8k{AudioEncoding::alaw, 8000};
constexpr AudioFormat kPcm8k{AudioEncoding::pcm16_le, 8000};
constexpr AudioFormat kPcm16k{AudioEncoding::pcm16_le, 16000};
constexpr AudioFormat kPcm24k{AudioEncoding::pcm16_le, 24000};

std::unique_ptr<AudioFormatConverter> make_converter(AudioFormat from, AudioFormat to) {
  auto created = AudioFormatConverter::create(from, to);
  EXPECT_TRUE(created.is_ok()) << created.status().message();
  return created.is_ok() ? std::move(created).value() : nullptr;
}

std::vector<std::int16_t> sine(double frequency_hz, std::uint32_t sample_rate_hz,
                               std::size_t sample_count, double amplitude = 8000.0) {
  std::vector<std::int16_t> samples;
  for (std::size_t index = 0; index < sample_count; ++index) {
    const double time_s = static_cast<double>(index) / sample_rate_hz;
    samples.push_back(static_cast<std::int16_t>(
        std::lround(amplitude * std::sin(2.0 * std::numbers::pi * frequency_hz * time_s))));
  }
  return samples;
}

Bytes to_pcm_bytes(const std::vector<std::int16_t>& samples) {
  Bytes bytes;
  for (const std::int16_t sample : samples) {
    const auto bits = static_cast<std::uint16_t>(sample);
    bytes.push_back(static_cast<std::uint8_t>(bits & 0xFFU));
    bytes.push_back(static_cast<std::uint8_t>(bits >> 8));
  }
  return bytes;
}

std::vector<std::int16_t> from_pcm_bytes(const Bytes& bytes) {
  std::vector<std::int16_t> samples;
  for (std::size_t index = 0; index + 1 < bytes.size(); index += 2) {
    samples.push_back(static_cast<std::int16_t>(bytes[index] | (bytes[index + 1] << 8)));
  }
  return samples;
}

std::vector<std::int16_t> from_mulaw(const Bytes& bytes) {
  std::vector<std::int16_t> samples;
  for (const std::uint8_t code : bytes) samples.push_back(audio::mulaw_to_linear(code));
  return samples;
}

Bytes to_mulaw(const std::vector<std::int16_t>& samples) {
  Bytes bytes;
  for (const std::int16_t sample : samples) bytes.push_back(audio::linear_to_mulaw(sample));
  return bytes;
}

// Converts `input` in chunks of `chunk_bytes`, as a call would.
Bytes convert_in_chunks(AudioFormatConverter& converter, const Bytes& input,
                        std::size_t chunk_bytes) {
  Bytes output;
  for (std::size_t start = 0; start < input.size(); start += chunk_bytes) {
    const std::size_t size = std::min(chunk_bytes, input.size() - start);
    converter.convert(std::span(input).subspan(start, size), output);
  }
  return output;
}

// Sign changes between samples [first, last): twice the frequency per second of audio.
int zero_crossings(const std::vector<std::int16_t>& samples, std::size_t first, std::size_t last) {
  int crossings = 0;
  for (std::size_t index = first + 1; index < last; ++index) {
    if ((samples[index - 1] < 0) != (samples[index] < 0)) ++crossings;
  }
  return crossings;
}

TEST(AudioFormatConverterTest, IdentityAppendsTheInputUnchanged) {
  auto converter = make_converter(kMulaw8k, kMulaw8k);
  ASSERT_NE(converter, nullptr);
  EXPECT_TRUE(converter->is_identity());
  const Bytes input = {0x00, 0x7F, 0x80, 0xFF, 0x12};
  Bytes output = {0xAA};
  converter->convert(input, output);
  EXPECT_EQ(output, (Bytes{0xAA, 0x00, 0x7F, 0x80, 0xFF, 0x12}));
}

TEST(AudioFormatConverterTest, IdentityPcmPassesOddByteCountsStraightThrough) {
  auto converter = make_converter(kPcm16k, kPcm16k);
  ASSERT_NE(converter, nullptr);
  EXPECT_TRUE(converter->is_identity());
  Bytes output;
  converter->convert(Bytes{1, 2, 3}, output);
  EXPECT_EQ(output, (Bytes{1, 2, 3}));
}

TEST(AudioFormatConverterTest, DifferentEncodingOrRateIsNoIdentity) {
  EXPECT_FALSE(make_converter(kMulaw8k, kAlaw8k)->is_identity());
  EXPECT_FALSE(make_converter(kPcm8k, kPcm16k)->is_identity());
}

TEST(AudioFormatConverterTest, RefusesSampleRatesOfZeroOrAbove192kHz) {
  for (const std::uint32_t bad_rate_hz : {0U, 192001U, 4000000000U}) {
    const auto from_bad =
        AudioFormatConverter::create({AudioEncoding::pcm16_le, bad_rate_hz}, kMulaw8k);
    ASSERT_FALSE(from_bad.is_ok());
    EXPECT_EQ(from_bad.status().code(), ErrorCode::invalid_argument);
    const auto to_bad =
        AudioFormatConverter::create(kMulaw8k, {AudioEncoding::pcm16_le, bad_rate_hz});
    EXPECT_EQ(to_bad.status().code(), ErrorCode::invalid_argument);
  }
  EXPECT_TRUE(AudioFormatConverter::create(kMulaw8k, {AudioEncoding::pcm16_le, 192000}).is_ok());
  EXPECT_TRUE(AudioFormatConverter::create(kMulaw8k, {AudioEncoding::pcm16_le, 44100}).is_ok());
}

TEST(AudioFormatConverterTest, MulawToLinearAtTheSameRateDecodesEachSample) {
  auto converter = make_converter(kMulaw8k, kPcm8k);
  Bytes output;
  converter->convert(Bytes{0xFF, 0x80, 0x00, 0xFE}, output);
  EXPECT_EQ(from_pcm_bytes(output), (std::vector<std::int16_t>{0, 32124, -32124, 8}));
}

TEST(AudioFormatConverterTest, Mulaw8kToPcm16kDoublesTheSamplesAndKeepsTheFrequency) {
  auto converter = make_converter(kMulaw8k, kPcm16k);
  const Bytes input = to_mulaw(sine(440.0, 8000, 8000));  // one second
  const Bytes output = convert_in_chunks(*converter, input, 160);

  ASSERT_EQ(output.size() % 2, 0U);
  const std::vector<std::int16_t> samples = from_pcm_bytes(output);
  // Twice as many, less the few the filter still holds.
  EXPECT_LE(samples.size(), 16000U);
  EXPECT_GE(samples.size(), 16000U - 100U);
  // 440 Hz crosses zero 880 times a second: 440 in the half second from 0.25 s.
  EXPECT_NEAR(zero_crossings(samples, 4000, 12000), 440, 2);
}

TEST(AudioFormatConverterTest, Pcm24kToMulaw8kThirdsTheSamplesAndKeepsTheFrequency) {
  auto converter = make_converter(kPcm24k, kMulaw8k);
  const Bytes input = to_pcm_bytes(sine(440.0, 24000, 24000));
  const Bytes output = convert_in_chunks(*converter, input, 960);  // 20 ms chunks

  EXPECT_LE(output.size(), 8000U);
  EXPECT_GE(output.size(), 8000U - 100U);
  EXPECT_NEAR(zero_crossings(from_mulaw(output), 2000, 6000), 440, 2);  // half a second
}

TEST(AudioFormatConverterTest, ResamplingKeepsTheToneLevel) {
  auto converter = make_converter(kPcm8k, kPcm16k);
  const Bytes output = convert_in_chunks(*converter, to_pcm_bytes(sine(440.0, 8000, 8000)), 320);
  const std::vector<std::int16_t> samples = from_pcm_bytes(output);
  double sum_of_squares = 0.0;
  for (std::size_t index = 4000; index < 12000; ++index) {
    sum_of_squares += static_cast<double>(samples[index]) * samples[index];
  }
  const double rms = std::sqrt(sum_of_squares / 8000.0);
  EXPECT_NEAR(rms, 8000.0 / std::numbers::sqrt2, 8000.0 * 0.05);
}

TEST(AudioFormatConverterTest, AlawKnownCodesFollowG711) {
  auto converter = make_converter(kAlaw8k, kPcm8k);
  Bytes output;
  converter->convert(Bytes{0xD5, 0x55, 0xAA, 0x2A}, output);
  // 0xD5/0x55: the smallest step either side of zero; 0xAA/0x2A: the largest values.
  EXPECT_EQ(from_pcm_bytes(output), (std::vector<std::int16_t>{8, -8, 32256, -32256}));

  auto encoder = make_converter(kPcm8k, kAlaw8k);
  Bytes encoded;
  encoder->convert(to_pcm_bytes({0, -1, 32767, -32768}), encoded);
  EXPECT_EQ(encoded, (Bytes{0xD5, 0x55, 0xAA, 0x2A}));
}

TEST(AudioFormatConverterTest, AllAlawCodesRoundTripThroughLinear) {
  Bytes all_codes;
  for (int code = 0; code < 256; ++code) all_codes.push_back(static_cast<std::uint8_t>(code));
  auto decoder = make_converter(kAlaw8k, kPcm8k);
  auto encoder = make_converter(kPcm8k, kAlaw8k);
  Bytes linear;
  decoder->convert(all_codes, linear);
  ASSERT_EQ(linear.size(), 512U);
  Bytes round_trip;
  encoder->convert(linear, round_trip);
  EXPECT_EQ(round_trip, all_codes);
}

TEST(AudioFormatConverterTest, AlawQuantisationErrorStaysWithinTheSegmentStep) {
  auto encoder = make_converter(kPcm8k, kAlaw8k);
  auto decoder = make_converter(kAlaw8k, kPcm8k);
  std::vector<std::int16_t> ramp;
  for (int sample = -32768; sample <= 32767; sample += 3) {
    ramp.push_back(static_cast<std::int16_t>(sample));
  }
  Bytes encoded;
  encoder->convert(to_pcm_bytes(ramp), encoded);
  Bytes decoded;
  decoder->convert(encoded, decoded);
  const std::vector<std::int16_t> result = from_pcm_bytes(decoded);
  ASSERT_EQ(result.size(), ramp.size());
  for (std::size_t index = 0; index < ramp.size(); ++index) {
    const int error = std::abs(result[index] - ramp[index]);
    // Steps are 16 in the two lowest segments and double from there up to 1024.
    const int step = std::max(16, (std::abs(ramp[index]) / 256) * 8);
    EXPECT_LE(error, step) << ramp[index];
  }
}

TEST(AudioFormatConverterTest, MulawToAlawKeepsTheSignal) {
  auto converter = make_converter(kMulaw8k, kAlaw8k);
  const std::vector<std::int16_t> tone = sine(440.0, 8000, 800);
  Bytes alaw;
  converter->convert(to_mulaw(tone), alaw);
  ASSERT_EQ(alaw.size(), tone.size());
  auto decoder = make_converter(kAlaw8k, kPcm8k);
  Bytes linear;
  decoder->convert(alaw, linear);
  const std::vector<std::int16_t> decoded = from_pcm_bytes(linear);
  for (std::size_t index = 0; index < tone.size(); ++index) {
    EXPECT_NEAR(decoded[index], tone[index], std::max(32, std::abs(tone[index]) / 10));
  }
}

TEST(AudioFormatConverterTest, AnOddTrailingPcmByteWaitsForTheNextChunk) {
  const Bytes input = to_pcm_bytes(sine(440.0, 8000, 400, 20000.0));
  auto whole_converter = make_converter(kPcm8k, kMulaw8k);
  Bytes whole;
  whole_converter->convert(input, whole);
  ASSERT_EQ(whole.size(), 400U);

  for (const std::size_t chunk_bytes :
       {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{161}}) {
    auto converter = make_converter(kPcm8k, kMulaw8k);
    EXPECT_EQ(convert_in_chunks(*converter, input, chunk_bytes), whole) << chunk_bytes;
  }

  auto converter = make_converter(kPcm8k, kMulaw8k);
  Bytes output;
  converter->convert(Bytes{0x00}, output);
  EXPECT_TRUE(output.empty());              // half a sample: nothing yet
  converter->convert(Bytes{0x80}, output);  // 0x8000 = -32768
  EXPECT_EQ(output, (Bytes{0x00}));
}

TEST(AudioFormatConverterTest, EmptyInputProducesNothing) {
  auto converter = make_converter(kMulaw8k, kPcm16k);
  Bytes output;
  converter->convert({}, output);
  EXPECT_TRUE(output.empty());
}

}  // namespace
}  // namespace callagent::pipeline
