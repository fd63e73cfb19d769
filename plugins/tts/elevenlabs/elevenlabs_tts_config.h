// The tts_elevenlabs config subtree: parsing and validation, with no side effects (no
// network, no files), so `--check-config` can call it.
//
//   {"api_key": "...",                          required; a secret, never logged
//    "base_url": "https://api.elevenlabs.io",   http:// or https://, optional path prefix
//    "voice_id": "EXAVITQu4vr4xnSDxMaL",
//    "model_id": "eleven_flash_v2_5",
//    "stability": 0.71, "similarity_boost": 0.45, "style": 0.0,   each 0..1
//    "use_speaker_boost": true,
//    "speed": 1.0,                              optional 0.7..1.2; unset: the voice's own
//    "optimize_streaming_latency": 3,           0..4
//    "mode": "http",                            "http" (one POST per piece) or "websocket"
//                                               (stream-input; ws(s):// derived from base_url)
//    "chunk_length_schedule": [120,160,250,290], websocket: items 50..500, 1..8 of them
//    "inactivity_timeout": 20,                  websocket: seconds 1..180; unset: not sent
//    "auto_mode": false,                        websocket: unset: not sent
//    "connect_timeout_ms": 5000, "first_audio_timeout_ms": 5000,
//    "max_retries": 1}                          retries before the first audio byte only
//                                               (websocket: before the first message only)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::plugins {

// Where the vendor lives, split once at config time so requests need no URL parsing.
struct ElevenLabsEndpoint {
  bool tls = true;
  std::string host = "api.elevenlabs.io";
  std::uint16_t port = 443;
  std::string path_prefix;  // "" or "/something" without a trailing slash
};

struct ElevenLabsTtsConfig {
  std::string api_key;
  std::string base_url = "https://api.elevenlabs.io";
  ElevenLabsEndpoint endpoint;
  std::string voice_id = "EXAVITQu4vr4xnSDxMaL";
  std::string model_id = "eleven_flash_v2_5";
  double stability = 0.71;
  double similarity_boost = 0.45;
  double style = 0.0;
  bool use_speaker_boost = true;
  std::optional<double> speed;
  int optimize_streaming_latency = 3;
  std::string mode = "http";  // "http" or "websocket"
  // WebSocket mode only (protocols.md §5.2). The default schedule is the vendor's own.
  std::vector<int> chunk_length_schedule = {120, 160, 250, 290};
  std::optional<int> inactivity_timeout_s;
  std::optional<bool> auto_mode;
  int connect_timeout_ms = 5000;
  int first_audio_timeout_ms = 5000;
  int max_retries = 1;
};

// Refuses unknown keys, wrong types and out-of-range values with invalid_config and a
// "key: message" text. Never quotes the api_key.
Result<ElevenLabsTtsConfig> parse_elevenlabs_tts_config(std::string_view config_json);

// Same settings, same text:
// "tts_elevenlabs:<voice_id>:<model_id>:<stability>:<similarity_boost>:<style>:<speed|default>".
std::string elevenlabs_voice_key(const ElevenLabsTtsConfig& config);

// Shortest text that reads back as the same double: 1 → "1", 0.71 → "0.71".
std::string shortest_number(double value);

}  // namespace callagent::plugins
