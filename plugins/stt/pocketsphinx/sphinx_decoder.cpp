#include "sphinx_decoder.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "decoded_words.h"
#include "sphinx_headers.h"
#include "sphinx_log.h"
#include "telephone_channel_prior.h"

namespace callagent::plugins::pocketsphinx {
namespace {

Status decoder_error(std::string_view what) {
  return Status(ErrorCode::internal, "pocketsphinx: " + std::string(what));
}

std::string load_failure_message(const DecoderSettings& settings, const SphinxErrorCapture& capture) {
  std::string message = "could not load the PocketSphinx models (model_dir " + settings.model_dir +
                        ", dictionary " + settings.dictionary +
                        (settings.grammar.empty() ? ", language_model " + settings.language_model
                                                  : ", grammar " + settings.grammar) +
                        ")";
  message += capture.last_error().empty() ? ": see log_file for the library's reason"
                                          : ": " + capture.last_error();
  return message;
}

// Decoder options for the settings, with the library's defaults for everything else.
cmd_ln_t* decoder_options(const DecoderSettings& settings) {
  const char* const no_more = nullptr;  // cmd_ln_init's variadic list ends with a null pointer
  cmd_ln_t* options =
      settings.grammar.empty()
          ? cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", settings.model_dir.c_str(), "-dict",
                        settings.dictionary.c_str(), "-lm", settings.language_model.c_str(), no_more)
          : cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", settings.model_dir.c_str(), "-dict",
                        settings.dictionary.c_str(), "-jsgf", settings.grammar.c_str(), no_more);
  if (options == nullptr) return nullptr;
  // Endpointing reads the detector's state, and skipping silence keeps noise between
  // utterances from being decoded into words (and costs nothing to decode).
  cmd_ln_set_int_r(options, "-remove_silence", 1);
  cmd_ln_set_int_r(options, "-vad_postspeech",
                   std::max<long>(1, static_cast<long>(settings.vad_hangover_ms / SphinxDecoder::kFrameMs)));
  return options;
}

bool has_front_end(cmd_ln_t* options, const FrontEndShape& shape) {
  const auto near = [](double left, double right) { return std::fabs(left - right) < 0.5; };
  return near(cmd_ln_float_r(options, "-samprate"), shape.sample_rate_hz) &&
         near(cmd_ln_float_r(options, "-lowerf"), shape.lower_filter_hz) &&
         near(cmd_ln_float_r(options, "-upperf"), shape.upper_filter_hz) &&
         cmd_ln_int_r(options, "-nfilt") == shape.filter_count &&
         cmd_ln_int_r(options, "-ceplen") == shape.cepstrum_length;
}

cmn_t* channel_normalisation_of(ps_decoder_t* decoder) {
  feat_t* features = ps_get_feat(decoder);
  return features == nullptr ? nullptr : features->cmn_struct;
}

float probability_from_log(logmath_t* log_math, int log_probability) {
  // Posteriors are <= 1 in theory; the library's rounding can push them a hair above.
  const double probability = logmath_exp(log_math, log_probability);
  return static_cast<float>(std::clamp(probability, 0.0, 1.0));
}

}  // namespace

Result<std::unique_ptr<SphinxDecoder>> SphinxDecoder::create(const DecoderSettings& settings) {
  SphinxErrorCapture capture;
  cmd_ln_t* options = decoder_options(settings);
  if (options == nullptr) return Status(ErrorCode::unavailable, load_failure_message(settings, capture));
  ps_decoder_t* decoder = ps_init(options);
  cmd_ln_free_r(options);  // the decoder keeps its own reference
  if (decoder == nullptr) return Status(ErrorCode::unavailable, load_failure_message(settings, capture));

  std::unique_ptr<SphinxDecoder> created(new SphinxDecoder(decoder, !settings.grammar.empty()));
  cmd_ln_t* effective = ps_get_config(decoder);  // with the model's feat.params applied
  if (cmn_t* normalisation = channel_normalisation_of(decoder)) {
    const auto length = static_cast<std::size_t>(normalisation->veclen);
    if (has_front_end(effective, kTelephonePriorFrontEnd) && length == kTelephoneCepstralMean.size()) {
      created->initial_cepstral_mean_.assign(kTelephoneCepstralMean.begin(), kTelephoneCepstralMean.end());
    } else {
      created->initial_cepstral_mean_.resize(length);
      cmn_live_get(normalisation, created->initial_cepstral_mean_.data());
    }
  }
  return created;
}

SphinxDecoder::SphinxDecoder(ps_decoder_s* decoder, bool grammar_search)
    : decoder_(decoder), grammar_search_(grammar_search) {}

SphinxDecoder::~SphinxDecoder() {
  if (in_utterance_) ps_end_utt(decoder_);
  ps_free(decoder_);
}

Status SphinxDecoder::start_stream() {
  if (in_utterance_) {
    // Left open by a session that closed mid-utterance: its result is not wanted.
    in_utterance_ = false;
    if (ps_end_utt(decoder_) < 0) return decoder_error("could not end the previous utterance");
  }
  if (ps_start_stream(decoder_) < 0) return decoder_error("could not start a stream");
  reset_channel_normalisation();
  return start_utterance();
}

void SphinxDecoder::reset_channel_normalisation() {
  cmn_t* normalisation = channel_normalisation_of(decoder_);
  if (normalisation == nullptr || initial_cepstral_mean_.empty()) return;
  cmn_live_set(normalisation, initial_cepstral_mean_.data());
}

Status SphinxDecoder::start_utterance() {
  if (ps_start_utt(decoder_) < 0) return decoder_error("could not start an utterance");
  in_utterance_ = true;
  return Status::ok();
}

Status SphinxDecoder::process(std::span<const std::int16_t> samples) {
  if (!in_utterance_) return decoder_error("audio outside an utterance");
  if (ps_process_raw(decoder_, samples.data(), samples.size(), FALSE, FALSE) < 0) {
    return decoder_error("could not decode audio");
  }
  return Status::ok();
}

bool SphinxDecoder::in_speech() const { return ps_get_in_speech(decoder_) != 0; }

std::string SphinxDecoder::partial_transcript() {
  int32 score = 0;
  const char* hypothesis = ps_get_hyp(decoder_, &score);
  return hypothesis == nullptr ? std::string() : std::string(hypothesis);
}

DecodedUtterance SphinxDecoder::partial_result() {
  DecodedUtterance utterance;
  utterance.transcript = partial_transcript();
  if (!utterance.transcript.empty()) utterance.words = words(/*with_confidence=*/false);
  return utterance;
}

Result<DecodedUtterance> SphinxDecoder::end_utterance() {
  in_utterance_ = false;
  if (ps_end_utt(decoder_) < 0) return decoder_error("could not end an utterance");

  DecodedUtterance utterance;
  int32 score = 0;
  if (const char* hypothesis = ps_get_hyp(decoder_, &score)) utterance.transcript = hypothesis;
  if (utterance.transcript.empty()) return utterance;
  if (grammar_search_) {
    utterance.words = words(/*with_confidence=*/false);
    return utterance;
  }
  // The posterior must be computed (it builds the lattice) before segments report theirs.
  const int32 sentence_log_posterior = ps_get_prob(decoder_);
  utterance.words = words(/*with_confidence=*/true);
  // The sentence posterior shrinks with every word, so a long, correct sentence would
  // score near 0: report it per word (its geometric mean) to keep it comparable.
  if (!utterance.words.empty()) {
    const auto word_count = static_cast<int32>(utterance.words.size());
    utterance.confidence =
        probability_from_log(ps_get_logmath(decoder_), sentence_log_posterior / word_count);
  }
  return utterance;
}

std::vector<DecodedWord> SphinxDecoder::words(bool with_confidence) {
  std::vector<DecodedWord> decoded;
  logmath_t* log_math = ps_get_logmath(decoder_);
  ps_seg_t* segment = ps_seg_iter(decoder_);
  // ps_seg_next frees the iterator when it runs out; an exception leaving early must too.
  struct SegmentGuard {
    ps_seg_t*& segment;
    ~SegmentGuard() {
      if (segment != nullptr) ps_seg_free(segment);
    }
  } guard{segment};
  for (; segment != nullptr; segment = ps_seg_next(segment)) {
    const char* symbol = ps_seg_word(segment);
    if (symbol == nullptr || is_filler_word(symbol)) continue;
    DecodedWord word;
    word.text = without_pronunciation_variant(symbol);
    ps_seg_frames(segment, &word.first_frame, &word.last_frame);
    if (with_confidence) {
      int32 acoustic = 0;
      int32 language = 0;
      int32 backoff = 0;
      word.confidence = probability_from_log(log_math, ps_seg_prob(segment, &acoustic, &language, &backoff));
    }
    decoded.push_back(std::move(word));
  }
  return decoded;
}

}  // namespace callagent::plugins::pocketsphinx
