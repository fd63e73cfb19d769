#include "deepgram_config.h"

#include <nlohmann/json.hpp>

#include "listen_url.h"

namespace callagent::plugins::deepgram {
namespace {

constexpr std::string_view kKnownKeys =
    "api_key, base_url, model, language, endpointing, utterance_end_ms, interim_results, "
    "vad_events, smart_format, punctuate, keepalive_interval_ms, connect_timeout_ms, "
    "reconnect_attempts";

// Deepgram's "punctuation" endpointing: its documented default pause.
constexpr std::int64_t kPunctuationEndpointingMs = 10;

Status config_error(std::string_view key, std::string_view message) {
  return Status(ErrorCode::invalid_config, std::string(key) + ": " + std::string(message));
}

Status read_text(std::string_view key, const nlohmann::json& value, std::string& text) {
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
    return config_error(key, "expected a non-empty string");
  }
  text = value.get<std::string>();
  return Status::ok();
}

Status read_bool(std::string_view key, const nlohmann::json& value, bool& flag) {
  if (!value.is_boolean()) return config_error(key, "expected true or false");
  flag = value.get<bool>();
  return Status::ok();
}

Status read_integer(std::string_view key, const nlohmann::json& value, std::int64_t minimum,
                    std::int64_t maximum, std::int64_t& number) {
  const Status out_of_range = config_error(
      key, "expected an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum));
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

Status read_endpointing(const nlohmann::json& value, DeepgramConfig& config, bool& punctuation) {
  if (value.is_string()) {
    if (value.get_ref<const std::string&>() != "punctuation") {
      return config_error("endpointing", "expected milliseconds (10 to 10000) or \"punctuation\"");
    }
    punctuation = true;
    config.endpointing_ms = kPunctuationEndpointingMs;
    return Status::ok();
  }
  return read_integer("endpointing", value, 10, 10000, config.endpointing_ms);
}

Status read_key(const std::string& key, const nlohmann::json& value, DeepgramConfig& config,
                bool& punctuation) {
  if (key == "api_key") return read_text(key, value, config.api_key);
  if (key == "base_url") {
    if (Status status = read_text(key, value, config.base_url); !status) return status;
    if (!parse_base_url(config.base_url)) {
      return config_error(key, "expected ws://host[:port] or wss://host[:port]");
    }
    return Status::ok();
  }
  if (key == "model") return read_text(key, value, config.model);
  if (key == "language") return read_text(key, value, config.language);
  if (key == "endpointing") return read_endpointing(value, config, punctuation);
  if (key == "utterance_end_ms") return read_integer(key, value, 1000, 5000, config.utterance_end_ms);
  if (key == "interim_results") return read_bool(key, value, config.interim_results);
  if (key == "vad_events") return read_bool(key, value, config.vad_events);
  if (key == "smart_format") return read_bool(key, value, config.smart_format);
  if (key == "punctuate") return read_bool(key, value, config.punctuate);
  // Below 100 ms a KeepAlive would go out between every two audio frames; above 9000 ms
  // Deepgram's 10 s idle timeout (NET-0001) could close the stream first.
  if (key == "keepalive_interval_ms") return read_integer(key, value, 50, 9000, config.keepalive_interval_ms);
  if (key == "connect_timeout_ms") return read_integer(key, value, 100, 60000, config.connect_timeout_ms);
  if (key == "reconnect_attempts") return read_integer(key, value, 0, 20, config.reconnect_attempts);
  return config_error(key, "unknown key (known: " + std::string(kKnownKeys) + ")");
}

}  // namespace

Result<DeepgramConfig> parse_config(std::string_view config_json) {
  const auto root = nlohmann::json::parse(config_json.begin(), config_json.end(), nullptr, false);
  if (root.is_discarded()) return Status(ErrorCode::invalid_config, "config: not valid JSON");
  if (!root.is_object()) return Status(ErrorCode::invalid_config, "config: expected an object");
  DeepgramConfig config;
  bool punctuation = false;
  for (const auto& [key, value] : root.items()) {
    if (Status status = read_key(key, value, config, punctuation); !status) return status;
  }
  if (config.api_key.empty()) return config_error("api_key", "required");
  // utterance_end_ms only works with interim results (protocols.md §3.1).
  if (!config.interim_results && root.contains("utterance_end_ms")) {
    return config_error("utterance_end_ms", "needs interim_results: true");
  }
  if (punctuation) config.punctuate = true;
  return config;
}

}  // namespace callagent::plugins::deepgram
