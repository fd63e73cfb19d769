// The URLs Twilio uses to reach this host. Behind ngrok or a load balancer the host's own
// view of its address differs from what Twilio signed, so signatures are checked against
// the configured public base URL, never the socket's address.
//
// Threading: pure functions, except discover_ngrok_url (blocking HTTP, start-up only).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "callagent/plugin_api/status.h"

namespace callagent::telephony {

// "https://abc.ngrok.app" → "wss://abc.ngrok.app"; "http://…" → "ws://…".
std::string websocket_base_url(std::string_view http_base_url);

// The base URL to use for one request: the configured one, or — when none is
// configured (local testing) — "http://" + the request's Host header.
std::string effective_base_url(std::string_view configured_base_url, std::string_view host_header);

// Asks the local ngrok agent (GET <api_url>/api/tunnels) for its https tunnel's public URL.
Result<std::string> discover_ngrok_url(std::string_view ngrok_api_url,
                                       std::chrono::milliseconds timeout);

}  // namespace callagent::telephony
