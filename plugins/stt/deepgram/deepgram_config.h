// The stt_deepgram config subtree: parsed, checked, with defaults.
//
// Keys (all but api_key optional; unknown keys refused):
//   api_key (string, secret), base_url ("wss://api.deepgram.com"; ws:// for tests),
//   model ("nova-2"), language ("en-US"), endpointing (ms, default 300, or "punctuation"),
//   utterance_end_ms (1000), interim_results, vad_events, smart_format, punctuate (true),
//   keepalive_interval_ms (4000), connect_timeout_ms (5000), reconnect_attempts (3).
//
// endpointing "punctuation": Deepgram's own default behaviour, where a short pause
// (10 ms) after a sentence-ending punctuation mark ends the turn. It maps to
// endpointing=10 and forces punctuate=true, because without punctuation the 10 ms
// endpointing would cut callers off at every breath.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "callagent/plugin_api.h"

namespace callagent::plugins::deepgram {

struct DeepgramConfig {
  std::string api_key;  // secret: never logged, never put in a message
  std::string base_url = "wss://api.deepgram.com";
  std::string model = "nova-2";
  std::string language = "en-US";
  std::int64_t endpointing_ms = 300;
  std::int64_t utterance_end_ms = 1000;
  bool interim_results = true;
  bool vad_events = true;
  bool smart_format = true;
  bool punctuate = true;
  std::int64_t keepalive_interval_ms = 4000;
  std::int64_t connect_timeout_ms = 5000;
  std::int64_t reconnect_attempts = 3;
};

// Parses `config_json`; every error is invalid_config "key: message". No side effects.
Result<DeepgramConfig> parse_config(std::string_view config_json);

}  // namespace callagent::plugins::deepgram
