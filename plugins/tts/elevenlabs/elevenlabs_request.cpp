#include "elevenlabs_request.h"

#include <nlohmann/json.hpp>

namespace callagent::plugins {

std::string elevenlabs_stream_target(const ElevenLabsTtsConfig& config) {
  // ulaw_8000: the bytes go to Twilio unchanged, no conversion in the host.
  return config.endpoint.path_prefix + "/v1/text-to-speech/" + config.voice_id +
         "/stream?output_format=ulaw_8000&optimize_streaming_latency=" +
         std::to_string(config.optimize_streaming_latency);
}

std::string elevenlabs_stream_body(const ElevenLabsTtsConfig& config, std::string_view text) {
  nlohmann::json settings = {{"stability", config.stability},
                             {"similarity_boost", config.similarity_boost},
                             {"style", config.style},
                             {"use_speaker_boost", config.use_speaker_boost}};
  if (config.speed) settings["speed"] = *config.speed;
  const nlohmann::json body = {{"text", std::string(text)}, {"model_id", config.model_id}, {"voice_settings", settings}};
  // replace: text cut mid-character by the host must not make dump() throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string elevenlabs_stream_request(const ElevenLabsTtsConfig& config, std::string_view text) {
  const std::string body = elevenlabs_stream_body(config, text);
  const bool default_port = config.endpoint.port == (config.endpoint.tls ? 443 : 80);
  std::string request;
  request.reserve(body.size() + 512);
  request += "POST " + elevenlabs_stream_target(config) + " HTTP/1.1\r\n";
  request += "Host: " + config.endpoint.host + (default_port ? "" : ":" + std::to_string(config.endpoint.port)) + "\r\n";
  request += "xi-api-key: " + config.api_key + "\r\n";
  request += "Content-Type: application/json\r\n";
  // The spec declares audio/mpeg for every output_format; any narrower Accept risks a 406.
  request += "Accept: */*\r\n";
  request += "Connection: keep-alive\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n";
  request += body;
  return request;
}

}  // namespace callagent::plugins
