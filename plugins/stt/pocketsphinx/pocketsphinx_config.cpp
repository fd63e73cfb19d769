#include "pocketsphinx_config.h"

#include <utility>

#include <nlohmann/json.hpp>

namespace callagent::plugins::pocketsphinx {
namespace {

constexpr std::string_view kKnownKeys =
    "model_dir, dictionary, language_model, grammar, end_of_utterance_silence_ms, "
    "interim_interval_ms, decoders, log_file";

Status config_error(std::string_view key, std::string_view message) {
  return Status(ErrorCode::invalid_config, std::string(key) + ": " + std::string(message));
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Status read_path(std::string_view key, const nlohmann::json& value, std::string& path) {
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
    return config_error(key, "expected a non-empty string (a file path)");
  }
  const auto& text = value.get_ref<const std::string&>();
  // The path goes to a C library that stops at the first NUL.
  if (text.find('\0') != std::string::npos) return config_error(key, "must not contain a NUL character");
  path = text;
  return Status::ok();
}

Status read_integer(std::string_view key, const nlohmann::json& value, std::int64_t minimum,
                    std::int64_t maximum, std::int64_t& number) {
  const Status out_of_range = config_error(
      key, "expected an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum));
  // Parsed JSON holds every non-negative integer as unsigned and negatives as signed;
  // fractions and strings are neither.
  if (value.is_number_unsigned()) {
    const auto unsigned_value = value.get<std::uint64_t>();
    if (unsigned_value > static_cast<std::uint64_t>(maximum)) return out_of_range;
    number = static_cast<std::int64_t>(unsigned_value);
  } else if (value.is_number_integer()) {
    number = value.get<std::int64_t>();
  } else {
    return out_of_range;
  }
  return number < minimum || number > maximum ? out_of_range : Status::ok();
}

Status read_key(const std::string& key, const nlohmann::json& value, PocketsphinxConfig& config) {
  if (key == "model_dir") return read_path(key, value, config.model_dir);
  if (key == "dictionary") return read_path(key, value, config.dictionary);
  if (key == "language_model") return read_path(key, value, config.language_model);
  if (key == "grammar") return read_path(key, value, config.grammar);
  if (key == "log_file") return read_path(key, value, config.log_file);
  if (key == "end_of_utterance_silence_ms") {
    return read_integer(key, value, kMinEndOfUtteranceSilenceMs, kMaxEndOfUtteranceSilenceMs,
                        config.end_of_utterance_silence_ms);
  }
  if (key == "interim_interval_ms") {
    return read_integer(key, value, 0, kMaxInterimIntervalMs, config.interim_interval_ms);
  }
  if (key == "decoders") {
    std::int64_t decoders = 0;
    if (Status status = read_integer(key, value, 1, static_cast<std::int64_t>(kMaxDecoders), decoders);
        !status) {
      return status;
    }
    config.decoders = static_cast<std::size_t>(decoders);
    return Status::ok();
  }
  if (key == "keywords") {
    // PocketSphinx 5prealpha can spot keywords (-kws) or follow a grammar, but both replace
    // free speech; it has no way to favour a few words inside the n-gram model.
    return config_error(key, "not supported: PocketSphinx cannot favour words in free speech; "
                             "use \"grammar\" for a fixed set of phrases");
  }
  return config_error(key, "unknown key (known: " + std::string(kKnownKeys) + ")");
}

}  // namespace

Result<PocketsphinxConfig> parse_pocketsphinx_config(std::string_view config_json) {
  PocketsphinxConfig config;
  if (is_blank(config_json)) return config;

  const auto root = nlohmann::json::parse(config_json, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return Status(ErrorCode::invalid_config, "expected a JSON object, got text that is not JSON");
  }
  if (!root.is_object()) {
    return Status(ErrorCode::invalid_config,
                  std::string("expected a JSON object, got ") + root.type_name());
  }
  // nlohmann keeps keys sorted, so with several errors the one reported is stable.
  for (const auto& [key, value] : root.items()) {
    if (Status status = read_key(key, value, config); !status) return status;
  }
  // A grammar replaces the language model: naming both is a mistake worth a clear word.
  if (!config.grammar.empty() && root.contains("language_model")) {
    return config_error("grammar", "replaces the language model; give grammar or language_model, "
                                   "not both");
  }
  return config;
}

}  // namespace callagent::plugins::pocketsphinx
