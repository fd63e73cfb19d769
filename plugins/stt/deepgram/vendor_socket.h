// Opens the /v1/listen WebSocket and sorts a failed attempt into what the session should
// do about it: give up (bad key, bad request) or retry (429, 5xx, refused, timeout).
//
// The upgrade is done here rather than by Poco's WebSocket client constructor, because
// that constructor answers a 401 by sending the request a second time (HTTP auth retry)
// and throws away the response body, which carries Deepgram's error text.
//
// Threading: blocking; called only on the session's I/O thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/WebSocket.h>

#include "callagent/plugin_api.h"
#include "listen_url.h"

namespace callagent::plugins::deepgram {

// A live stream. Owns the HTTP session the socket came from (the WebSocket took its
// socket; the session object is kept only so nothing it handed over dangles).
struct VendorSocket {
  std::unique_ptr<Poco::Net::HTTPClientSession> http;
  std::unique_ptr<Poco::Net::WebSocket> socket;
};

struct ConnectFailure {
  Status error;             // message is safe to log: never holds the key
  bool retryable = false;   // 429, 5xx, network trouble
};

struct ConnectOutcome {
  std::unique_ptr<VendorSocket> connection;  // set on success
  ConnectFailure failure;                     // meaningful when connection is null
  int http_status = 0;                        // the upgrade's answer; 0 when none came
};

// `api_key` goes only into the Authorization header.
ConnectOutcome connect_to_deepgram(const Endpoint& endpoint, const std::string& target,
                                   const std::string& api_key, std::chrono::milliseconds timeout);

// The failure for an HTTP status on the upgrade, with Deepgram's dg-error text.
ConnectFailure classify_handshake(int http_status, const std::string& dg_error);

}  // namespace callagent::plugins::deepgram
