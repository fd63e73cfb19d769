#include "host/pipeline/audio_format_converter.h"

#include <speex/speex_resampler.h>

#include <array>
#include <optional>
#include <string>

#include "host/audio/mulaw.h"

namespace callagent::pipeline {
namespace {

constexpr std::uint32_t kHighestSampleRateHz = 192000;
// Speex's default quality: transparent for speech at a fraction of the cost of the
// higher settings, which matters with a resampler per call and direction.
constexpr int kResamplerQuality = SPEEX_RESAMPLER_QUALITY_DEFAULT;

// G.711 A-law (ITU-T G.711). The code is sign, 3-bit segment and 4-bit mantissa over a
// 13-bit linear value; every other bit is inverted on the wire (XOR 0x55), and unlike
// μ-law a set sign bit means positive.
constexpr std::uint8_t kAlawEvenBitInversion = 0x55;
constexpr std::uint8_t kAlawPositiveSign = 0x80;

constexpr std::int16_t decode_alaw(std::uint8_t alaw) {
  const int code = alaw ^ kAlawEvenBitInversion;
  const int segment = (code >> 4) & 0x07;
  const int mantissa = code & 0x0F;
  // The decoded value sits in the middle of its quantisation step.
  const int magnitude =
      segment == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (segment - 1);
  return static_cast<std::int16_t>((code & kAlawPositiveSign) != 0 ? magnitude : -magnitude);
}

constexpr std::array<std::int16_t, 256> make_alaw_decode_table() {
  std::array<std::int16_t, 256> table{};
  for (int code = 0; code < 256; ++code) {
    table[static_cast<std::size_t>(code)] = decode_alaw(static_cast<std::uint8_t>(code));
  }
  return table;
}

constexpr std::array<std::int16_t, 256> kAlawDecodeTable = make_alaw_decode_table();

std::int16_t alaw_to_linear(std::uint8_t alaw) { return kAlawDecodeTable[alaw]; }

std::uint8_t linear_to_alaw(std::int16_t linear) {
  // Negative values use one's complement (-x - 1) so -32768 fits and each negative code
  // decodes to the mirror of its positive twin.
  const bool positive = linear >= 0;
  const int magnitude = positive ? linear : -linear - 1;
  const int thirteen_bit = magnitude >> 3;  // A-law resolves 12 magnitude bits
  int segment = 0;
  while (segment < 7 && (thirteen_bit >> (segment + 5)) != 0) ++segment;
  const int mantissa = segment == 0 ? thirteen_bit >> 1 : (thirteen_bit >> segment) & 0x0F;
  const int code = (positive ? kAlawPositiveSign : 0) | (segment << 4) | mantissa;
  return static_cast<std::uint8_t>(code ^ kAlawEvenBitInversion);
}

struct ResamplerDeleter {
  void operator()(SpeexResamplerState* resampler) const noexcept {
    speex_resampler_destroy(resampler);
  }
};
using ResamplerPointer = std::unique_ptr<SpeexResamplerState, ResamplerDeleter>;

bool valid_rate(std::uint32_t sample_rate_hz) {
  return sample_rate_hz > 0 && sample_rate_hz <= kHighestSampleRateHz;
}

Result<ResamplerPointer> make_resampler(std::uint32_t from_rate_hz, std::uint32_t to_rate_hz) {
  int error = RESAMPLER_ERR_SUCCESS;
  ResamplerPointer resampler(
      speex_resampler_init(1, from_rate_hz, to_rate_hz, kResamplerQuality, &error));
  if (!resampler || error != RESAMPLER_ERR_SUCCESS) {
    return Result<ResamplerPointer>(
        ErrorCode::internal,
        std::string("cannot create the resampler: ") + speex_resampler_strerror(error));
  }
  // Without this the output starts with the filter's delay in zeros: a gap the caller
  // would hear at the start of every utterance.
  speex_resampler_skip_zeros(resampler.get());
  return resampler;
}

}  // namespace

struct AudioFormatConverter::State {
  AudioFormat from;
  AudioFormat to;
  ResamplerPointer resampler;  // null when the rates match
  // PCM16 arrives as bytes; a sample cut between two chunks waits here for its other half.
  std::optional<std::uint8_t> pending_pcm_byte;
  // Reused between chunks so a call's steady state allocates nothing.
  std::vector<std::int16_t> decoded_samples;
  std::vector<std::int16_t> resampled_samples;

  void decode(std::span<const std::uint8_t> input);
  void resample();
  void encode(const std::vector<std::int16_t>& samples, std::vector<std::uint8_t>& output) const;
};

void AudioFormatConverter::State::decode(std::span<const std::uint8_t> input) {
  decoded_samples.clear();
  switch (from.encoding) {
    case AudioEncoding::mulaw:
      for (const std::uint8_t code : input) decoded_samples.push_back(audio::mulaw_to_linear(code));
      return;
    case AudioEncoding::alaw:
      for (const std::uint8_t code : input) decoded_samples.push_back(alaw_to_linear(code));
      return;
    case AudioEncoding::pcm16_le:
      for (const std::uint8_t byte : input) {
        if (!pending_pcm_byte) {
          pending_pcm_byte = byte;
          continue;
        }
        const auto low = static_cast<std::uint16_t>(*pending_pcm_byte);
        const auto high = static_cast<std::uint16_t>(byte << 8);
        decoded_samples.push_back(static_cast<std::int16_t>(high | low));
        pending_pcm_byte.reset();
      }
      return;
  }
}

void AudioFormatConverter::State::resample() {
  resampled_samples.clear();
  // Room for every output sample this input can produce, plus what the filter held back.
  const std::uint64_t capacity =
      static_cast<std::uint64_t>(decoded_samples.size()) * to.sample_rate_hz / from.sample_rate_hz +
      64;
  std::vector<std::int16_t>& output = resampled_samples;
  std::size_t consumed = 0;
  while (consumed < decoded_samples.size()) {
    const std::size_t produced_before = output.size();
    output.resize(produced_before + capacity);
    auto input_length = static_cast<spx_uint32_t>(decoded_samples.size() - consumed);
    auto output_length = static_cast<spx_uint32_t>(capacity);
    speex_resampler_process_int(resampler.get(), 0, decoded_samples.data() + consumed,
                                &input_length, output.data() + produced_before, &output_length);
    output.resize(produced_before + output_length);
    consumed += input_length;
    if (input_length == 0 && output_length == 0) break;  // nothing moves; never spin
  }
}

void AudioFormatConverter::State::encode(const std::vector<std::int16_t>& samples,
                                         std::vector<std::uint8_t>& output) const {
  switch (to.encoding) {
    case AudioEncoding::mulaw:
      for (const std::int16_t sample : samples) output.push_back(audio::linear_to_mulaw(sample));
      return;
    case AudioEncoding::alaw:
      for (const std::int16_t sample : samples) output.push_back(linear_to_alaw(sample));
      return;
    case AudioEncoding::pcm16_le:
      for (const std::int16_t sample : samples) {
        const auto bits = static_cast<std::uint16_t>(sample);
        output.push_back(static_cast<std::uint8_t>(bits & 0xFFU));
        output.push_back(static_cast<std::uint8_t>(bits >> 8));
      }
      return;
  }
}

Result<std::unique_ptr<AudioFormatConverter>> AudioFormatConverter::create(AudioFormat from,
                                                                           AudioFormat to) {
  using ConverterResult = Result<std::unique_ptr<AudioFormatConverter>>;
  if (!valid_rate(from.sample_rate_hz) || !valid_rate(to.sample_rate_hz)) {
    return ConverterResult(ErrorCode::invalid_argument,
                           "unsupported sample rate " + std::to_string(from.sample_rate_hz) +
                               " Hz -> " + std::to_string(to.sample_rate_hz) +
                               " Hz (must be 1..192000)");
  }
  auto state = std::make_unique<State>();
  state->from = from;
  state->to = to;
  if (from.sample_rate_hz != to.sample_rate_hz) {
    auto resampler = make_resampler(from.sample_rate_hz, to.sample_rate_hz);
    if (!resampler) return ConverterResult(resampler.status());
    state->resampler = std::move(resampler).value();
  }
  return std::unique_ptr<AudioFormatConverter>(new AudioFormatConverter(std::move(state)));
}

AudioFormatConverter::AudioFormatConverter(std::unique_ptr<State> state)
    : state_(std::move(state)) {}

AudioFormatConverter::~AudioFormatConverter() = default;

bool AudioFormatConverter::is_identity() const noexcept {
  return state_->from.encoding == state_->to.encoding &&
         state_->from.sample_rate_hz == state_->to.sample_rate_hz;
}

void AudioFormatConverter::convert(std::span<const std::uint8_t> input,
                                   std::vector<std::uint8_t>& output) {
  if (is_identity()) {
    output.insert(output.end(), input.begin(), input.end());
    return;
  }
  state_->decode(input);
  if (!state_->resampler) {
    state_->encode(state_->decoded_samples, output);
    return;
  }
  state_->resample();
  state_->encode(state_->resampled_samples, output);
}

}  // namespace callagent::pipeline
