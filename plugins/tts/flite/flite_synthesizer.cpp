#include "flite_synthesizer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <csetjmp>
#include <mutex>
#include <string>
#include <utility>

#include "flite_c_api.h"
#include "flite_voices.h"

namespace callagent::plugins {
namespace {

using RegisterVoiceFunction = cst_voice* (*)(const char* voxdir);

struct VoiceEntry {
  std::string_view name;
  RegisterVoiceFunction register_voice;
};

constexpr std::array<VoiceEntry, kFliteVoiceNames.size()> kVoices{{
    {"slt", &register_cmu_us_slt},
    {"rms", &register_cmu_us_rms},
    {"awb", &register_cmu_us_awb},
    {"kal", &register_cmu_us_kal},
    {"kal16", &register_cmu_us_kal16},
}};

constexpr bool voices_match_config_names() {
  for (std::size_t index = 0; index < kVoices.size(); ++index) {
    if (kVoices[index].name != kFliteVoiceNames[index]) return false;
  }
  return true;
}
static_assert(voices_match_config_names(), "every accepted voice name needs its register function");

// A word Flite can say quickly, to learn a voice's sample rate.
constexpr const char* kProbeText = "a";

// Everything Flite touches is process-wide, so one mutex guards every call into it.
std::mutex& flite_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Guarded by flite_mutex(): each voice registered so far, by its index in kVoices.
std::array<cst_voice*, kVoices.size()>& registered_voices() {
  static std::array<cst_voice*, kVoices.size()> voices{};
  return voices;
}

std::once_flag& flite_initialised() {
  static std::once_flag flag;
  return flag;
}

// Flite reports a fatal error with cst_error(): a longjmp to *cst_errjmp when one is set,
// else exit(), which would end the host. So every call into Flite runs here, with a jump
// target. `call` must hold nothing with a destructor: C++ allows a longjmp only across
// frames that a throw would leave without running destructors. Expects flite_mutex() held
// (cst_errjmp is a global). Returns false when Flite reported a fatal error.
template <typename FliteCall>
bool call_flite_guarded(FliteCall&& call) noexcept {
  std::jmp_buf on_fatal_error;
  std::jmp_buf* const previous = cst_errjmp;
  cst_errjmp = &on_fatal_error;
  if (setjmp(on_fatal_error) != 0) {
    cst_errjmp = previous;
    return false;
  }
  call();
  cst_errjmp = previous;
  return true;
}

struct UtteranceDeleter {
  void operator()(cst_utterance* utterance) const noexcept { delete_utterance(utterance); }
};
using UtterancePointer = std::unique_ptr<cst_utterance, UtteranceDeleter>;

std::int64_t seconds_to_ms(float seconds) {
  return static_cast<std::int64_t>(std::llround(static_cast<double>(seconds) * 1000.0));
}

std::string feature_text(const cst_item* item, const char* name) {
  return item_feat_present(item, name) != 0 ? std::string(item_feat_string(item, name)) : std::string();
}

// A word's sound runs from the end of the segment before its first phone to the end of its
// last phone, found through its syllables (SylStructure: word → syllable → segment). A word
// with no syllables (a byte Flite spelled as nothing) has no time.
struct WordSpan {
  bool spoken = false;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

WordSpan span_of_word(const cst_item* word) {
  const cst_item* first = path_to_item(word, "R:SylStructure.daughter1.daughter1.R:Segment");
  const cst_item* last = path_to_item(word, "R:SylStructure.daughtern.daughtern.R:Segment");
  if (first == nullptr || last == nullptr) return {};
  const cst_item* before = item_prev(first);
  const std::int64_t start_ms = before != nullptr ? seconds_to_ms(item_feat_float(before, "end")) : 0;
  const std::int64_t end_ms = seconds_to_ms(item_feat_float(last, "end"));
  return {true, start_ms, std::max(start_ms, end_ms)};
}

// Tokens are the text's whitespace-separated pieces; their daughters in the Token relation
// are the words Flite made of them ("$42.50" → "forty two dollars fifty cents").
std::vector<SpokenToken> read_tokens(const cst_utterance* utterance) {
  std::vector<SpokenToken> tokens;
  const cst_relation* relation = utt_relation(utterance, "Token");
  if (relation == nullptr) return tokens;
  for (const cst_item* token = relation->head; token != nullptr; token = item_next(token)) {
    SpokenToken spoken;
    spoken.text = feature_text(token, "prepunctuation") + feature_text(token, "name") +
                  feature_text(token, "punc");
    for (const cst_item* word = item_daughter(token); word != nullptr; word = item_next(word)) {
      const WordSpan span = span_of_word(word);
      if (!span.spoken) continue;
      if (!spoken.spoken) spoken.start_ms = span.start_ms;
      spoken.spoken = true;
      spoken.end_ms = std::max(spoken.start_ms, span.end_ms);
    }
    tokens.push_back(std::move(spoken));
  }
  return tokens;
}

struct LockedSynthesis {
  SynthesizedSpeech speech;
  std::uint32_t sample_rate_hz = 0;
};

// Expects flite_mutex() held. The settings go on the utterance, whose features are looked
// up before the (shared) voice's, so voices are never modified.
Result<LockedSynthesis> synthesize_locked(cst_voice* voice, const FliteSynthesisSettings& settings,
                                          const std::string& text) {
  cst_utterance* const fresh = new_utterance();
  utt_set_input_text(fresh, text.c_str());
  feat_set_float(fresh->features, "duration_stretch", static_cast<float>(settings.duration_stretch));
  if (settings.f0_target_mean_hz) {
    feat_set_float(fresh->features, "int_f0_target_mean", static_cast<float>(*settings.f0_target_mean_hz));
  }
  cst_utterance* synthesized = nullptr;
  // flite_do_synth deletes the utterance itself when synthesis fails. After a fatal error
  // the utterance is in an unknown state and is left alone (leaked) rather than freed.
  if (!call_flite_guarded([&] { synthesized = flite_do_synth(fresh, voice, utt_synth); })) {
    return Status(ErrorCode::vendor_error, "Flite stopped with an internal error on this text");
  }
  const UtterancePointer utterance(synthesized);
  const cst_wave* wave = utterance ? utt_wave(utterance.get()) : nullptr;
  if (wave == nullptr || wave->num_samples < 0 || wave->num_channels < 1 || wave->sample_rate <= 0) {
    return Status(ErrorCode::vendor_error, "Flite returned no audio for the text");
  }

  LockedSynthesis result;
  result.sample_rate_hz = static_cast<std::uint32_t>(wave->sample_rate);
  // Flite's voices are mono; should one ever not be, its first channel is the speech.
  const auto frames = static_cast<std::size_t>(wave->num_samples);
  const auto channels = static_cast<std::size_t>(wave->num_channels);
  result.speech.samples.resize(frames);
  for (std::size_t frame = 0; frame < frames; ++frame) {
    result.speech.samples[frame] = wave->samples[frame * channels];
  }
  result.speech.tokens = read_tokens(utterance.get());
  return result;
}

}  // namespace

Result<std::unique_ptr<FliteSynthesizer>> FliteSynthesizer::create(std::string_view voice_name,
                                                                   FliteSynthesisSettings settings) {
  const auto entry = std::find_if(kVoices.begin(), kVoices.end(),
                                  [voice_name](const VoiceEntry& voice) { return voice.name == voice_name; });
  if (entry == kVoices.end()) {
    return Status(ErrorCode::invalid_argument, "unknown Flite voice \"" + std::string(voice_name) + "\"");
  }
  const auto index = static_cast<std::size_t>(entry - kVoices.begin());

  std::lock_guard lock(flite_mutex());
  std::call_once(flite_initialised(), [] { flite_init(); });
  cst_voice*& voice = registered_voices()[index];
  if (voice == nullptr) {
    cst_voice* registered = nullptr;
    if (!call_flite_guarded([&] { registered = entry->register_voice(nullptr); }) || registered == nullptr) {
      return Status(ErrorCode::vendor_error, "Flite could not register the voice \"" + std::string(voice_name) + "\"");
    }
    voice = registered;
  }
  auto probe = synthesize_locked(voice, settings, kProbeText);
  if (!probe) {
    return Status(ErrorCode::vendor_error, "Flite voice \"" + std::string(voice_name) +
                                               "\" failed its first synthesis: " + probe.status().message());
  }
  return std::make_unique<FliteSynthesizer>(voice, settings, probe.value().sample_rate_hz);
}

FliteSynthesizer::FliteSynthesizer(cst_voice_struct* voice, FliteSynthesisSettings settings,
                                   std::uint32_t sample_rate_hz)
    : voice_(voice), settings_(std::move(settings)), sample_rate_hz_(sample_rate_hz) {}

Result<SynthesizedSpeech> FliteSynthesizer::synthesize(std::string_view text) const {
  const std::string text_copy(text);  // Flite wants a NUL-terminated string
  std::lock_guard lock(flite_mutex());
  auto result = synthesize_locked(voice_, settings_, text_copy);
  if (!result) return result.status();
  if (result.value().sample_rate_hz != sample_rate_hz_) {
    // The host converts from the rate output_format() declared; other audio would play at
    // the wrong speed, so refuse it.
    return Status(ErrorCode::vendor_error, "Flite changed the voice's sample rate from " +
                                               std::to_string(sample_rate_hz_) + " to " +
                                               std::to_string(result.value().sample_rate_hz) + " Hz");
  }
  return std::move(result).value().speech;
}

}  // namespace callagent::plugins
