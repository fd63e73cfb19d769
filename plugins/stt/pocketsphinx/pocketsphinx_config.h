// The stt_pocketsphinx config subtree: parsing and validation, with no side effects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "callagent/plugin_api/status.h"

namespace callagent::plugins::pocketsphinx {

inline constexpr std::string_view kDefaultModelRoot = "/usr/share/pocketsphinx/model/en-us";

// Every key is optional; unknown keys are refused.
struct PocketsphinxConfig {
  // The acoustic model folder (mdef, means, variances, ...): Debian's pocketsphinx-en-us.
  std::string model_dir = std::string(kDefaultModelRoot) + "/en-us";
  std::string dictionary = std::string(kDefaultModelRoot) + "/cmudict-en-us.dict";
  std::string language_model = std::string(kDefaultModelRoot) + "/en-us.lm.bin";
  // A JSGF grammar file for scripted dialogs; when set it replaces the language model, so
  // only its phrases can be recognised. Its words must be spelled as in the dictionary
  // (lower case for cmudict): the grammar search matches them case-sensitively.
  std::string grammar;  // empty: free speech with language_model
  // Quiet after speech before the utterance is final (speech_final).
  std::int64_t end_of_utterance_silence_ms = 600;
  // Audio between interim results while someone speaks; 0 turns interims off.
  std::int64_t interim_interval_ms = 400;
  // Decoders loaded at start-up and lent to sessions. Each holds its own copy of the
  // models: about 91 MB with the default en-us language model, 28 MB with a grammar.
  std::size_t decoders = 2;
  // Where PocketSphinx's own verbose log goes; "/dev/null" discards it.
  std::string log_file = "/dev/null";
};

inline constexpr std::int64_t kMinEndOfUtteranceSilenceMs = 100;
inline constexpr std::int64_t kMaxEndOfUtteranceSilenceMs = 10'000;
inline constexpr std::int64_t kMaxInterimIntervalMs = 60'000;
// A bound on start-up memory: 16 decoders are about 1.5 GB.
inline constexpr std::size_t kMaxDecoders = 16;

// Parses the plugin's own config subtree. Errors are ErrorCode::invalid_config and name
// the key: "decoders: expected an integer from 1 to 16". Empty text means all defaults.
// Touches no files (see check_model_files for that).
Result<PocketsphinxConfig> parse_pocketsphinx_config(std::string_view config_json);

}  // namespace callagent::plugins::pocketsphinx
