// The server's half of the WebSocket opening handshake (RFC 6455 §4.2): checks the
// upgrade request, answers 101 with Sec-WebSocket-Accept, and takes the connection's
// socket away from Poco's HTTP session so the caller reads and writes frames on it
// (websocket_frames.h). Plain and TLS sockets alike: the StreamSocket returned is
// whichever the HTTP server accepted.
//
// Threading: call on the HTTP thread that handles the request. Ownership: the returned
// socket is the caller's; the HTTP session no longer uses it.
#pragma once

#include <string>
#include <string_view>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>

#include "callagent/plugin_api/status.h"

namespace callagent::host {

struct AcceptedWebSocket {
  Poco::Net::StreamSocket socket;
  // Bytes the client sent after its request that the HTTP session had already read: the
  // start of the first frames.
  std::string read_ahead;
};

// Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + the RFC's GUID)).
std::string websocket_accept_key(std::string_view client_key);

// Fails, having sent nothing, when the request is not a version-13 WebSocket upgrade; the
// caller answers it (400). On success the 101 has been sent.
Result<AcceptedWebSocket> accept_websocket(Poco::Net::HTTPServerRequest& request,
                                           Poco::Net::HTTPServerResponse& response);

}  // namespace callagent::host
