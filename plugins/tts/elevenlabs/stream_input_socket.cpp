#include "stream_input_socket.h"

#include <sys/socket.h>

#include <istream>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/WebSocketImpl.h>
#include <Poco/Timespan.h>

#include "elevenlabs_errors.h"

namespace callagent::plugins {
namespace {

constexpr std::size_t kMaxErrorBodyBytes = 16 * 1024;
// A close frame must not hold up a cancel: the peer is going away anyway.
constexpr int kCloseSendTimeoutMs = 500;

Poco::Timespan milliseconds(int value) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(value) * 1000);
}

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

std::string read_limited(std::istream& body) {
  std::string text;
  char buffer[1024];
  while (text.size() < kMaxErrorBodyBytes && body.read(buffer, sizeof buffer).gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(body.gcount()));
  }
  return text;
}

}  // namespace

StreamInputSocket::StreamInputSocket(ElevenLabsEndpoint endpoint, int connect_timeout_ms,
                                     Poco::Net::Context::Ptr tls_context)
    : endpoint_(std::move(endpoint)), connect_timeout_ms_(connect_timeout_ms), tls_context_(std::move(tls_context)) {}

StreamInputSocket::~StreamInputSocket() { close(); }

void StreamInputSocket::set_descriptor(int descriptor) {
  std::lock_guard lock(descriptor_mutex_);
  descriptor_ = descriptor;
}

void StreamInputSocket::connect_transport() {
  close();
  const Poco::Net::SocketAddress address(endpoint_.host, endpoint_.port);
  Poco::Net::StreamSocket plain;
  plain.connect(address, milliseconds(connect_timeout_ms_));
  plain.setNoDelay(true);  // small text frames, latency-bound
  if (endpoint_.tls) {
    if (tls_context_.isNull()) throw Poco::Net::SSLException("no TLS context");
    // SNI and certificate checks use the configured host name.
    Poco::Net::SecureStreamSocket secure = Poco::Net::SecureStreamSocket::attach(plain, endpoint_.host, tls_context_);
    secure.setReceiveTimeout(milliseconds(connect_timeout_ms_));
    secure.completeHandshake();
    transport_ = secure;
  } else {
    transport_ = plain;
  }
  set_descriptor(transport_.impl()->sockfd());
  transport_open_ = true;
}

UpgradeOutcome StreamInputSocket::upgrade(const std::string& target, const std::string& api_key) {
  const bool reused = transport_open_;
  UpgradeOutcome outcome;
  const std::string where = std::string(endpoint_.tls ? "wss://" : "ws://") + endpoint_.host + ":" +
                            std::to_string(endpoint_.port);
  try {
    if (!transport_open_) connect_transport();
    transport_.setReceiveTimeout(milliseconds(connect_timeout_ms_));
    transport_.setSendTimeout(milliseconds(connect_timeout_ms_));
    std::unique_ptr<Poco::Net::HTTPClientSession> http;
    if (endpoint_.tls) {
      http = std::make_unique<Poco::Net::HTTPSClientSession>(Poco::Net::SecureStreamSocket(transport_));
    } else {
      http = std::make_unique<Poco::Net::HTTPClientSession>(transport_);
    }
    // Otherwise Poco adds "Connection: close" over our "Connection: Upgrade".
    http->setKeepAlive(true);
    transport_ = Poco::Net::StreamSocket();  // the HTTP session owns it from here
    transport_open_ = false;

    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target, Poco::Net::HTTPMessage::HTTP_1_1);
    const std::string key = HandshakeHelper::createKey();
    const bool default_port = endpoint_.port == (endpoint_.tls ? 443 : 80);
    if (default_port) {
      request.setHost(endpoint_.host);
    } else {
      request.setHost(endpoint_.host, endpoint_.port);
    }
    request.set("Connection", "Upgrade");
    request.set("Upgrade", "websocket");
    request.set("Sec-WebSocket-Version", Poco::Net::WebSocket::WEBSOCKET_VERSION);
    request.set("Sec-WebSocket-Key", key);
    // The header rather than a first-message field (§5.2: the recommended form), so the key
    // is checked before any text is sent.
    request.set("xi-api-key", api_key);
    http->sendRequest(request);

    Poco::Net::HTTPResponse response;
    std::istream& body = http->receiveResponse(response);
    const int status = static_cast<int>(response.getStatus());
    if (status != Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS) {
      const VendorFailure failure = elevenlabs_http_failure(status, read_limited(body), api_key);
      outcome.status = Status(failure.status.code(), "stream-input handshake refused: " + failure.status.message());
      outcome.retryable = failure.retryable;
      outcome.metric_status = std::to_string(status);
      close();
      return outcome;
    }
    Poco::Net::WebSocketImpl* impl = HandshakeHelper::completeHandshake(*http, response, key);
    // The adopting socket takes ownership of impl; the WebSocket shares it.
    websocket_ = std::make_unique<Poco::Net::WebSocket>(AdoptedSocket(impl));
    http_ = std::move(http);
    set_descriptor(websocket_->impl()->sockfd());
    outcome.metric_status = "101";
    return outcome;  // ok
  } catch (const Poco::TimeoutException&) {
    close();
    outcome.status = Status(ErrorCode::timeout, "ElevenLabs did not answer the stream-input handshake within " +
                                                    std::to_string(connect_timeout_ms_) + " ms (" + where + ")");
    outcome.retryable = true;
    outcome.metric_status = "timeout";
  } catch (const Poco::Exception& error) {
    close();
    // displayText names the host and the OS reason; it never includes the headers.
    outcome.status = Status(ErrorCode::unavailable,
                            redact("cannot open the ElevenLabs stream at " + where + ": " + error.displayText(), api_key));
    outcome.retryable = true;
    outcome.stale = reused;
    outcome.metric_status = "network_error";
  }
  return outcome;
}

void StreamInputSocket::close_gracefully(int code) noexcept {
  if (websocket_) {
    try {
      websocket_->setSendTimeout(milliseconds(kCloseSendTimeoutMs));
      websocket_->shutdown(static_cast<Poco::UInt16>(code), "");
    } catch (...) {  // the peer may be gone already: closing is all that is left
    }
  }
  close();
}

void StreamInputSocket::close() noexcept {
  set_descriptor(-1);
  try {
    if (websocket_) websocket_->close();
  } catch (...) {  // closing a broken socket may complain; it is gone either way
  }
  try {
    if (transport_open_) transport_.close();
  } catch (...) {
  }
  websocket_.reset();
  http_.reset();
  transport_ = Poco::Net::StreamSocket();
  transport_open_ = false;
}

void StreamInputSocket::abort() noexcept {
  std::lock_guard lock(descriptor_mutex_);
  if (descriptor_ >= 0) ::shutdown(descriptor_, SHUT_RDWR);
}

}  // namespace callagent::plugins
