// One PocketSphinx decoder: the models loaded once, then any number of streams (calls)
// one after another.
//
// Cost: creating one loads the acoustic model, the dictionary and the language model —
// about 0.3 s and, measured as resident memory per decoder with Debian's en-us model,
// ~91 MB with the n-gram language model (~64 MB of it the model) or ~28 MB with a
// grammar instead (acoustic model and the 134,000-word dictionary). Each decoder loads
// its own copy: PocketSphinx offers no thread-safe way to share them. Decoding telephone
// speech costs about a quarter of real time on one core.
//
// Threading: NOT thread-safe. One thread at a time may use a decoder (the session worker
// that borrowed it); it may move between threads between uses (the pool hands it over
// under its mutex). Ownership: owns the ps_decoder_t.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "callagent/plugin_api/status.h"

struct ps_decoder_s;

namespace callagent::plugins::pocketsphinx {

struct DecoderSettings {
  std::string model_dir;
  std::string dictionary;
  std::string language_model;  // used when grammar is empty
  std::string grammar;         // a JSGF file; replaces the language model
  // How long the decoder's voice activity detector keeps "in speech" after the voice
  // stops (its -vad_postspeech, in 10 ms frames). It also decides which trailing frames
  // are decoded, so it is kept short of the end-of-utterance silence.
  std::int64_t vad_hangover_ms = 500;
};

struct DecodedWord {
  std::string text;  // without fillers' brackets and pronunciation variants
  // Frames (10 ms) counted from the start of the stream, silence included.
  int first_frame = 0;
  int last_frame = 0;   // inclusive
  float confidence = 0.0F;
};

struct DecodedUtterance {
  std::string transcript;  // empty: nothing but noise
  float confidence = 0.0F;
  std::vector<DecodedWord> words;
};

class SphinxDecoder {
 public:
  static constexpr std::uint32_t kSampleRateHz = 16000;
  static constexpr std::int64_t kFrameMs = 10;  // PocketSphinx's default -frate 100
  static constexpr std::int64_t kSamplesPerFrame = kSampleRateHz * kFrameMs / 1000;

  // Loads the models: slow, never call it on a thread that must not block. Failure is
  // unavailable and carries the library's own reason when it logged one.
  static Result<std::unique_ptr<SphinxDecoder>> create(const DecoderSettings& settings);
  ~SphinxDecoder();
  SphinxDecoder(const SphinxDecoder&) = delete;
  SphinxDecoder& operator=(const SphinxDecoder&) = delete;

  // Begins a new stream (a call) and its first utterance. Forgets the previous stream:
  // frame numbers restart at 0 and channel normalisation returns to its starting point,
  // so a call's results do not depend on which calls the decoder heard before.
  Status start_stream();
  Status start_utterance();
  // 16 kHz mono samples of the current utterance.
  Status process(std::span<const std::int16_t> samples);
  // The decoder's voice activity detector: true from a few frames into speech until
  // vad_hangover_ms after it.
  bool in_speech() const;
  // The best hypothesis so far in the current utterance; empty when there is none.
  std::string partial_transcript();
  // The same with its words and their frames (confidence 0: no posteriors mid-utterance).
  DecodedUtterance partial_result();
  // Ends the current utterance and reads its result.
  Result<DecodedUtterance> end_utterance();

 private:
  SphinxDecoder(ps_decoder_s* decoder, bool grammar_search);
  void reset_channel_normalisation();
  // The current hypothesis's words; posteriors only after end_utterance (and never for a grammar).
  std::vector<DecodedWord> words(bool with_confidence);

  ps_decoder_s* const decoder_;
  // PocketSphinx 5prealpha computes no word posteriors for grammar search.
  const bool grammar_search_;
  std::vector<float> initial_cepstral_mean_;  // empty: the model does no CMN
  bool in_utterance_ = false;
};

}  // namespace callagent::plugins::pocketsphinx
