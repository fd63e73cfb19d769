#include "stream_input_messages.h"

#include <nlohmann/json.hpp>

namespace callagent::plugins {
namespace {

// ordered_json: "text" first, as in every example of §5.2, so the bytes are predictable.
using OrderedJson = nlohmann::ordered_json;

std::string dump(const OrderedJson& message) {
  // replace: text cut mid-character by the host must not make dump() throw.
  return message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool ends_with_space(std::string_view text) {
  return !text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t');
}

std::vector<std::int64_t> integers(const nlohmann::json& value) {
  std::vector<std::int64_t> out;
  if (!value.is_array()) return out;
  for (const auto& item : value) {
    if (!item.is_number()) return {};
    out.push_back(item.is_number_integer() ? item.get<std::int64_t>()
                                           : static_cast<std::int64_t>(item.get<double>() + 0.5));
  }
  return out;
}

std::optional<CharAlignment> read_alignment(const nlohmann::json& root, const char* key) {
  if (!root.contains(key) || !root[key].is_object()) return std::nullopt;
  const nlohmann::json& value = root[key];
  CharAlignment alignment;
  if (!value.contains("chars") || !value["chars"].is_array()) return std::nullopt;
  for (const auto& item : value["chars"]) {
    if (!item.is_string()) return std::nullopt;
    alignment.chars.push_back(item.get<std::string>());
  }
  if (value.contains("charStartTimesMs")) alignment.start_ms = integers(value["charStartTimesMs"]);
  // The AsyncAPI spec says charsDurationsMs; the SDK types and real traffic charDurationsMs.
  if (value.contains("charDurationsMs")) {
    alignment.duration_ms = integers(value["charDurationsMs"]);
  } else if (value.contains("charsDurationsMs")) {
    alignment.duration_ms = integers(value["charsDurationsMs"]);
  }
  const std::size_t count = alignment.chars.size();
  if (alignment.start_ms.size() != count || alignment.duration_ms.size() != count) return std::nullopt;
  return alignment;
}

// Standard alphabet; padding optional and white space skipped, as decoders commonly allow.
// False on any other character: such a chunk is not audio.
bool decode_base64(const std::string& text, std::vector<std::uint8_t>& out) {
  std::uint32_t bits = 0;
  int bit_count = 0;
  out.reserve(text.size() / 4 * 3);
  for (const char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    else if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    else if (c >= '0' && c <= '9') value = c - '0' + 52;
    else if (c == '+') value = 62;
    else if (c == '/') value = 63;
    else if (c == '=') break;
    else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    else return false;
    bits = (bits << 6U) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<std::uint8_t>((bits >> static_cast<unsigned>(bit_count)) & 0xFFU));
    }
  }
  return true;
}

}  // namespace

std::string stream_input_target(const ElevenLabsTtsConfig& config) {
  // ulaw_8000: the bytes go to Twilio unchanged. sync_alignment: alignment arrives with the
  // audio chunk it describes, which the word timings' offsets rely on.
  std::string target = config.endpoint.path_prefix + "/v1/text-to-speech/" + config.voice_id +
                       "/stream-input?model_id=" + config.model_id + "&output_format=ulaw_8000&sync_alignment=true";
  if (config.inactivity_timeout_s) target += "&inactivity_timeout=" + std::to_string(*config.inactivity_timeout_s);
  if (config.auto_mode) target += std::string("&auto_mode=") + (*config.auto_mode ? "true" : "false");
  return target;
}

std::string initialize_connection_message(const ElevenLabsTtsConfig& config) {
  OrderedJson settings = {{"stability", config.stability},
                          {"similarity_boost", config.similarity_boost},
                          {"style", config.style},
                          {"use_speaker_boost", config.use_speaker_boost}};
  if (config.speed) settings["speed"] = *config.speed;
  OrderedJson message;
  message["text"] = " ";
  message["voice_settings"] = std::move(settings);
  message["generation_config"] = {{"chunk_length_schedule", config.chunk_length_schedule}};
  return dump(message);
}

std::string send_text_message(std::string_view text, bool flush) {
  OrderedJson message;
  message["text"] = ends_with_space(text) ? std::string(text) : std::string(text) + " ";
  // Not the last piece: generate as soon as the schedule allows. The last one: flush, so
  // its audio is not held back waiting for more text.
  if (flush) {
    message["flush"] = true;
  } else {
    message["try_trigger_generation"] = true;
  }
  return dump(message);
}

std::string close_connection_message() { return R"({"text":""})"; }

StreamInputMessage parse_stream_input_message(std::string_view text) {
  StreamInputMessage message;
  const nlohmann::json root = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (root.is_discarded()) {
    message.kind = StreamInputMessage::Kind::malformed;
    return message;
  }
  if (!root.is_object()) return message;  // other
  message.is_final = root.contains("isFinal") && root["isFinal"].is_boolean() && root["isFinal"].get<bool>();
  if (root.contains("audio")) {
    message.kind = StreamInputMessage::Kind::audio;
    if (root["audio"].is_string() && !decode_base64(root["audio"].get<std::string>(), message.audio)) {
      message.kind = StreamInputMessage::Kind::malformed;
      return message;
    }
    message.alignment = read_alignment(root, "alignment");
    if (!message.alignment) message.alignment = read_alignment(root, "normalizedAlignment");
    return message;
  }
  const bool has_message = root.contains("message") && !root["message"].is_null();
  const bool has_error = root.contains("error") && !root["error"].is_null();
  if (has_message || has_error) {
    message.kind = StreamInputMessage::Kind::error;
    const auto text_of = [&](const char* key) {
      const nlohmann::json& value = root[key];
      return value.is_string() ? value.get<std::string>() : value.dump();
    };
    if (has_error) message.error_text = text_of("error");
    if (has_message) message.error_text += (message.error_text.empty() ? "" : ": ") + text_of("message");
    return message;
  }
  if (message.is_final) message.kind = StreamInputMessage::Kind::audio;  // {"isFinal": true}
  return message;
}

}  // namespace callagent::plugins
