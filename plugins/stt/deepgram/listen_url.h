// Where and how to open Deepgram's /v1/listen socket: the base URL split into its parts,
// and the request target with every query parameter the plugin sends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "deepgram_config.h"

namespace callagent::plugins::deepgram {

struct Endpoint {
  bool tls = true;  // wss:// (true) or ws:// (tests)
  std::string host;
  std::uint16_t port = 443;
};

// "wss://api.deepgram.com", "ws://127.0.0.1:40123"; no path, query or credentials.
std::optional<Endpoint> parse_base_url(std::string_view base_url);

// "/v1/listen?model=nova-2&language=en-US&encoding=mulaw&sample_rate=8000&channels=1&..."
// Booleans are lowercase: Deepgram rejects "True" (protocols.md §3.1). Contains no secret.
std::string listen_target(const DeepgramConfig& config);

}  // namespace callagent::plugins::deepgram
