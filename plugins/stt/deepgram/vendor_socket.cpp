#include "vendor_socket.h"

#include <istream>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocketImpl.h>
#include <Poco/Net/WebSocket.h>
#include <nlohmann/json.hpp>

namespace callagent::plugins::deepgram {
namespace {

// Exposes Poco's protected handshake helpers; never instantiated.
class HandshakeHelper : public Poco::Net::WebSocket {
 public:
  using Poco::Net::WebSocket::completeHandshake;
  using Poco::Net::WebSocket::createKey;
};

// Lets a socket adopt the impl the handshake made (the constructor is protected).
class AdoptedSocket : public Poco::Net::StreamSocket {
 public:
  explicit AdoptedSocket(Poco::Net::SocketImpl* impl) : Poco::Net::StreamSocket(impl) {}
};

// One TLS context for every session: loading the system CAs once is enough.
// VERIFY_RELAXED checks the server's chain and name against the default CAs.
Poco::Net::Context::Ptr tls_context() {
  static const Poco::Net::Context::Ptr context = new Poco::Net::Context(
      Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9, true);
  return context;
}

// Deepgram repeats dg-error in a JSON body ({"err_code","err_msg"}); the header is enough
// when present, the body's err_msg otherwise.
std::string error_text(const Poco::Net::HTTPResponse& response, std::istream& body) {
  if (response.has("dg-error")) return response.get("dg-error");
  std::string text;
  char buffer[1024];
  while (text.size() < 4096 && body.read(buffer, sizeof buffer).gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(body.gcount()));
  }
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_object() && json.contains("err_msg") && json["err_msg"].is_string()) {
    return json["err_msg"].get<std::string>();
  }
  return text.substr(0, 200);
}

}  // namespace

ConnectFailure classify_handshake(int http_status, const std::string& dg_error) {
  const std::string detail = "HTTP " + std::to_string(http_status) +
                             (dg_error.empty() ? std::string() : "; dg-error: " + dg_error);
  if (http_status == 401 || http_status == 403) {
    return {Status(ErrorCode::unauthenticated, "Deepgram rejected the API key (" + detail + ")"), false};
  }
  if (http_status == 429) {
    return {Status(ErrorCode::rate_limited, "Deepgram is rate limiting this account (" + detail + ")"), true};
  }
  if (http_status >= 500) {
    return {Status(ErrorCode::unavailable, "Deepgram failed to open the stream (" + detail + ")"), true};
  }
  // Other 4xx: the request itself is wrong (model, language, parameters); retrying
  // the same request cannot help.
  return {Status(ErrorCode::vendor_error, "Deepgram refused the stream request (" + detail + ")"), false};
}

ConnectOutcome connect_to_deepgram(const Endpoint& endpoint, const std::string& target,
                                   const std::string& api_key, std::chrono::milliseconds timeout) {
  ConnectOutcome outcome;
  const std::string where = (endpoint.tls ? "wss://" : "ws://") + endpoint.host + ":" + std::to_string(endpoint.port);
  try {
    auto http = endpoint.tls ? std::make_unique<Poco::Net::HTTPSClientSession>(endpoint.host, endpoint.port, tls_context())
                             : std::make_unique<Poco::Net::HTTPClientSession>(endpoint.host, endpoint.port);
    const Poco::Timespan limit(static_cast<long>(timeout.count() / 1000),
                               static_cast<long>((timeout.count() % 1000) * 1000));
    http->setTimeout(limit, limit, limit);
    http->setKeepAlive(true);

    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target, Poco::Net::HTTPMessage::HTTP_1_1);
    const std::string key = HandshakeHelper::createKey();
    request.set("Connection", "Upgrade");
    request.set("Upgrade", "websocket");
    request.set("Sec-WebSocket-Version", Poco::Net::WebSocket::WEBSOCKET_VERSION);
    request.set("Sec-WebSocket-Key", key);
    request.set("Authorization", "Token " + api_key);
    http->sendRequest(request);

    Poco::Net::HTTPResponse response;
    std::istream& body = http->receiveResponse(response);
    const int status = static_cast<int>(response.getStatus());
    outcome.http_status = status;
    if (status != Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS) {
      outcome.failure = classify_handshake(status, error_text(response, body));
      return outcome;
    }
    Poco::Net::WebSocketImpl* impl = HandshakeHelper::completeHandshake(*http, response, key);
    auto connection = std::make_unique<VendorSocket>();
    // The adopting socket takes ownership of impl; the WebSocket shares it.
    connection->socket = std::make_unique<Poco::Net::WebSocket>(AdoptedSocket(impl));
    connection->http = std::move(http);
    outcome.connection = std::move(connection);
  } catch (const Poco::TimeoutException&) {
    outcome.failure = {Status(ErrorCode::timeout, "Deepgram did not answer within " +
                                                      std::to_string(timeout.count()) + " ms (" + where + ")"),
                       true};
  } catch (const Poco::Exception& error) {
    // displayText names the host and the OS reason; it never includes the headers.
    outcome.failure = {Status(ErrorCode::unavailable, "could not reach Deepgram at " + where + ": " +
                                                          error.displayText()),
                       true};
  } catch (const std::exception& error) {
    outcome.failure = {Status(ErrorCode::unavailable, "could not reach Deepgram at " + where + ": " + error.what()),
                       true};
  }
  return outcome;
}

}  // namespace callagent::plugins::deepgram
