#include "elevenlabs_tts_config.h"

#include <charconv>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

namespace callagent::plugins {
namespace {

constexpr std::string_view kKnownKeys =
    "api_key, auto_mode, base_url, chunk_length_schedule, connect_timeout_ms, first_audio_timeout_ms, "
    "inactivity_timeout, max_retries, mode, model_id, optimize_streaming_latency, similarity_boost, speed, "
    "stability, style, use_speaker_boost, voice_id";
// A bad value is quoted in its error; a huge subtree is cut so it cannot flood a log line.
constexpr std::size_t kMaxQuotedValueChars = 60;

Status config_error(std::string_view key, std::string_view message) {
  return Status(ErrorCode::invalid_config, std::string(key) + ": " + std::string(message));
}

std::string quote(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > kMaxQuotedValueChars) {
    text.resize(kMaxQuotedValueChars);
    text += "...";
  }
  return text;
}

// Ids go into the URL path and the query, so only URL-safe characters are accepted; that
// also keeps a stray space or slash from silently addressing another resource.
bool is_plain_id(const std::string& text) {
  if (text.empty() || text.size() > 128) return false;
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Status read_id(const nlohmann::json& value, std::string_view key, std::string& out) {
  if (!value.is_string() || !is_plain_id(value.get<std::string>())) {
    return config_error(key, "expected a non-empty id of letters, digits, '_', '-', '.', got " + quote(value));
  }
  out = value.get<std::string>();
  return Status::ok();
}

// JSON booleans are not numbers in nlohmann, so `true` is refused here as it should be.
Status read_number(const nlohmann::json& value, std::string_view key, double minimum, double maximum,
                   double& out) {
  if (!value.is_number() || value.get<double>() < minimum || value.get<double>() > maximum) {
    return config_error(key, "expected a number from " + shortest_number(minimum) + " to " +
                                 shortest_number(maximum) + ", got " + quote(value));
  }
  out = value.get<double>();
  return Status::ok();
}

Status read_integer(const nlohmann::json& value, std::string_view key, int minimum, int maximum, int& out) {
  if (!value.is_number_integer() || value.get<long long>() < minimum || value.get<long long>() > maximum) {
    return config_error(key, "expected an integer from " + std::to_string(minimum) + " to " +
                                 std::to_string(maximum) + ", got " + quote(value));
  }
  out = static_cast<int>(value.get<long long>());
  return Status::ok();
}

// "https://host[:port][/prefix]"; no query, fragment or credentials (they would end up in logs).
Status read_base_url(const nlohmann::json& value, ElevenLabsTtsConfig& config) {
  const auto bad = [&](std::string_view why) {
    return config_error("base_url", "expected http(s)://host[:port][/path] (" + std::string(why) + "), got " +
                                        quote(value));
  };
  if (!value.is_string()) return bad("not a string");
  std::string url = value.get<std::string>();
  ElevenLabsEndpoint endpoint;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    endpoint.tls = true;
    endpoint.port = 443;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    endpoint.tls = false;
    endpoint.port = 80;
    rest = url.substr(7);
  } else {
    return bad("scheme must be http or https");
  }
  if (rest.find_first_of("?#@ ") != std::string::npos) return bad("no query, fragment, credentials or spaces");
  const std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? std::string() : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.pop_back();
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    const std::string port_text = authority.substr(colon + 1);
    unsigned port = 0;
    const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return bad("bad port");
    }
    endpoint.port = static_cast<std::uint16_t>(port);
    authority.resize(colon);
  }
  if (authority.empty()) return bad("no host");
  endpoint.host = authority;
  endpoint.path_prefix = path;
  config.base_url = url;
  config.endpoint = std::move(endpoint);
  return Status::ok();
}

Status read_key(const std::string& key, const nlohmann::json& value, ElevenLabsTtsConfig& config) {
  if (key == "api_key") {
    // The value is a secret: the message never quotes it.
    if (!value.is_string() || value.get<std::string>().empty()) return config_error(key, "expected a non-empty string");
    const std::string text = value.get<std::string>();
    if (text.find_first_of("\r\n") != std::string::npos) return config_error(key, "must not contain line breaks");
    config.api_key = text;
    return Status::ok();
  }
  if (key == "base_url") return read_base_url(value, config);
  if (key == "voice_id") return read_id(value, key, config.voice_id);
  if (key == "model_id") return read_id(value, key, config.model_id);
  if (key == "stability") return read_number(value, key, 0.0, 1.0, config.stability);
  if (key == "similarity_boost") return read_number(value, key, 0.0, 1.0, config.similarity_boost);
  if (key == "style") return read_number(value, key, 0.0, 1.0, config.style);
  if (key == "speed") {
    double speed = 1.0;
    Status status = read_number(value, key, 0.7, 1.2, speed);
    if (status) config.speed = speed;
    return status;
  }
  if (key == "use_speaker_boost") {
    if (!value.is_boolean()) return config_error(key, "expected true or false, got " + quote(value));
    config.use_speaker_boost = value.get<bool>();
    return Status::ok();
  }
  if (key == "optimize_streaming_latency") return read_integer(value, key, 0, 4, config.optimize_streaming_latency);
  if (key == "mode") {
    if (value == "http") {
      config.mode = "http";
      return Status::ok();
    }
    if (value == "websocket") {
      config.mode = "websocket";
      return Status::ok();
    }
    return config_error(key, "expected \"http\" or \"websocket\", got " + quote(value));
  }
  if (key == "chunk_length_schedule") {
    // The vendor's limits (protocols.md §5.2): each item 50..500 characters.
    const auto bad = [&] {
      return config_error(key, "expected 1 to 8 integers from 50 to 500, got " + quote(value));
    };
    if (!value.is_array() || value.empty() || value.size() > 8) return bad();
    std::vector<int> schedule;
    for (const auto& item : value) {
      if (!item.is_number_integer() || item.get<long long>() < 50 || item.get<long long>() > 500) return bad();
      schedule.push_back(static_cast<int>(item.get<long long>()));
    }
    config.chunk_length_schedule = std::move(schedule);
    return Status::ok();
  }
  if (key == "inactivity_timeout") {
    int seconds = 20;
    Status status = read_integer(value, key, 1, 180, seconds);
    if (status) config.inactivity_timeout_s = seconds;
    return status;
  }
  if (key == "auto_mode") {
    if (!value.is_boolean()) return config_error(key, "expected true or false, got " + quote(value));
    config.auto_mode = value.get<bool>();
    return Status::ok();
  }
  if (key == "connect_timeout_ms") return read_integer(value, key, 1, 60000, config.connect_timeout_ms);
  if (key == "first_audio_timeout_ms") return read_integer(value, key, 1, 60000, config.first_audio_timeout_ms);
  if (key == "max_retries") return read_integer(value, key, 0, 5, config.max_retries);
  return config_error(key, "unknown key (known: " + std::string(kKnownKeys) + ")");
}

}  // namespace

std::string shortest_number(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

Result<ElevenLabsTtsConfig> parse_elevenlabs_tts_config(std::string_view config_json) {
  ElevenLabsTtsConfig config;
  const nlohmann::json root = nlohmann::json::parse(config_json.begin(), config_json.end(), nullptr,
                                                    /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return Status(ErrorCode::invalid_config, "config must be a JSON object with at least api_key");
  }
  // nlohmann keeps object keys sorted, so with several errors the one reported is stable.
  for (const auto& item : root.items()) {
    Status status = read_key(item.key(), item.value(), config);
    if (!status) return status;
  }
  if (config.api_key.empty()) return config_error("api_key", "required");
  return config;
}

std::string elevenlabs_voice_key(const ElevenLabsTtsConfig& config) {
  return "tts_elevenlabs:" + config.voice_id + ":" + config.model_id + ":" + shortest_number(config.stability) +
         ":" + shortest_number(config.similarity_boost) + ":" + shortest_number(config.style) + ":" +
         (config.speed ? shortest_number(*config.speed) : std::string("default"));
}

}  // namespace callagent::plugins
