// Opening HTTP(S) connections to the host for the simulator's three clients (voice
// webhook, Media Stream upgrade, call API): one place decides the scheme mapping
// (ws → http, wss → https), the timeouts and whether TLS certificates are checked.
//
// Threading: free functions, safe from any thread. The sessions they return belong to
// the caller and are used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "callagent/plugin_api/status.h"

namespace Poco::Net {
class HTTPClientSession;
}  // namespace Poco::Net

namespace callagent::callsim {

struct ConnectionSettings {
  // false accepts any certificate (self-signed test hosts); --insecure on the command line.
  bool verify_tls_certificates = true;
  std::chrono::milliseconds connect_timeout{5000};
  // Per receive/send: a host silent this long in the middle of an answer is an error.
  std::chrono::milliseconds io_timeout{10000};
};

// A URL split into what a connection needs.
struct HttpTarget {
  std::string scheme;          // as written: http, https, ws or wss
  std::string host;
  std::uint16_t port = 0;      // explicit or the scheme's default
  std::string path_and_query;  // at least "/"
  bool uses_tls() const noexcept { return scheme == "https" || scheme == "wss"; }
};

// Accepts http, https, ws and wss URLs; anything else is invalid_argument.
Result<HttpTarget> parse_http_target(std::string_view url);

// A connected-on-demand session for `target` (HTTPS for https/wss). Never fails itself:
// connection errors surface on the first request, as Poco exceptions.
std::unique_ptr<Poco::Net::HTTPClientSession> open_http_session(const HttpTarget& target,
                                                                 const ConnectionSettings& settings);

// `url` with its scheme, host and port replaced by those of `base_url` (http → ws,
// https → wss when `url` is a WebSocket URL). For reaching a stream at
// wss://public-name/connect_call/… through the host's local address.
Result<std::string> rebase_url(std::string_view url, std::string_view base_url);

// "cannot connect to host 127.0.0.1:3000: Connection refused" from a Poco exception.
std::string describe_connection_error(const HttpTarget& target, const std::exception& error);

}  // namespace callagent::callsim
