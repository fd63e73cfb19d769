#include "flite_tts_config.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include <nlohmann/json.hpp>

#include "flite_voices.h"

namespace callagent::plugins {
namespace {

constexpr std::string_view kKnownKeys = "pitch_hz, speed, voice";
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

// Shortest text that reads back as the same double: 1 → "1", 1.25 → "1.25".
std::string shortest_number(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

std::string known_voices() {
  std::string list;
  for (const std::string_view name : kFliteVoiceNames) {
    if (!list.empty()) list += ", ";
    list += "\"" + std::string(name) + "\"";
  }
  return list;
}

Status read_voice(const nlohmann::json& value, std::string& voice) {
  const bool known = value.is_string() &&
                     std::find(kFliteVoiceNames.begin(), kFliteVoiceNames.end(),
                               value.get_ref<const std::string&>()) != kFliteVoiceNames.end();
  if (!known) return config_error("voice", "expected one of " + known_voices() + ", got " + quote(value));
  voice = value.get<std::string>();
  return Status::ok();
}

// JSON booleans are not numbers in nlohmann, so `true` is refused here as it should be.
Status read_number(const nlohmann::json& value, std::string_view key, double minimum, double maximum,
                   double& number) {
  if (!value.is_number() || value.get<double>() < minimum || value.get<double>() > maximum) {
    return config_error(key, "expected a number from " + shortest_number(minimum) + " to " +
                                 shortest_number(maximum) + ", got " + quote(value));
  }
  number = value.get<double>();
  return Status::ok();
}

}  // namespace

Result<FliteTtsConfig> parse_flite_tts_config(std::string_view config_json) {
  FliteTtsConfig config;
  if (config_json.find_first_not_of(" \t\r\n") == std::string_view::npos) return config;

  const nlohmann::json root = nlohmann::json::parse(config_json.begin(), config_json.end(), nullptr,
                                                    /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return Status(ErrorCode::invalid_config, "config must be a JSON object; this text is not JSON");
  }
  if (!root.is_object()) {
    return Status(ErrorCode::invalid_config,
                  std::string("config must be a JSON object, got ") + root.type_name());
  }
  // nlohmann keeps object keys sorted, so with several errors the one reported is stable.
  for (const auto& item : root.items()) {
    const std::string& key = item.key();
    Status status;
    if (key == "voice") {
      status = read_voice(item.value(), config.voice);
    } else if (key == "speed") {
      status = read_number(item.value(), key, kMinFliteSpeed, kMaxFliteSpeed, config.speed);
    } else if (key == "pitch_hz") {
      double pitch_hz = 0.0;
      status = read_number(item.value(), key, kMinFlitePitchHz, kMaxFlitePitchHz, pitch_hz);
      if (status) config.pitch_hz = pitch_hz;
    } else {
      status = config_error(key, "unknown key (known: " + std::string(kKnownKeys) + ")");
    }
    if (!status) return status;
  }
  return config;
}

std::string flite_voice_key(const FliteTtsConfig& config) {
  return "tts_flite:" + config.voice + ":" + shortest_number(config.speed) + ":" +
         (config.pitch_hz ? shortest_number(*config.pitch_hz) : std::string("default"));
}

}  // namespace callagent::plugins
