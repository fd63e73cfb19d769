#include "host/http/websocket_upgrade.h"

#include <Poco/Buffer.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/String.h>
#include <openssl/sha.h>

#include "host/audio/base64.h"

namespace callagent::host {
namespace {

constexpr std::string_view kWebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// True when the comma-separated header value lists `token` (case-insensitive).
bool lists_token(const std::string& value, std::string_view token) {
  std::size_t begin = 0;
  while (begin <= value.size()) {
    std::size_t end = value.find(',', begin);
    if (end == std::string::npos) end = value.size();
    const std::string item = Poco::trim(value.substr(begin, end - begin));
    if (Poco::icompare(item, std::string(token)) == 0) return true;
    begin = end + 1;
  }
  return false;
}

}  // namespace

std::string websocket_accept_key(std::string_view client_key) {
  std::string keyed(client_key);
  keyed.append(kWebSocketGuid);
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(keyed.data()), keyed.size(), digest);
  std::string accept;
  audio::base64_encode_append(std::span<const std::uint8_t>(digest, SHA_DIGEST_LENGTH), accept);
  return accept;
}

Result<AcceptedWebSocket> accept_websocket(Poco::Net::HTTPServerRequest& request,
                                           Poco::Net::HTTPServerResponse& response) {
  if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET) {
    return Status(ErrorCode::invalid_argument, "a WebSocket upgrade must be a GET");
  }
  if (!lists_token(request.get("Upgrade", ""), "websocket")) {
    return Status(ErrorCode::invalid_argument, "no Upgrade: websocket header");
  }
  if (!lists_token(request.get("Connection", ""), "upgrade")) {
    return Status(ErrorCode::invalid_argument, "no Connection: Upgrade header");
  }
  if (request.get("Sec-WebSocket-Version", "") != "13") {
    return Status(ErrorCode::invalid_argument, "Sec-WebSocket-Version must be 13");
  }
  const std::string key = Poco::trim(request.get("Sec-WebSocket-Key", ""));
  if (key.empty()) return Status(ErrorCode::invalid_argument, "no Sec-WebSocket-Key header");

  response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS);
  response.set("Upgrade", "websocket");
  response.set("Connection", "Upgrade");
  response.set("Sec-WebSocket-Accept", websocket_accept_key(key));
  response.setContentLength(Poco::Net::HTTPResponse::UNKNOWN_CONTENT_LENGTH);
  response.send().flush();

  // Every request this server handles is Poco's own implementation; the cast is how
  // Poco's WebSocket takes the socket too.
  auto& request_impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(request);
  AcceptedWebSocket accepted{request_impl.detachSocket(), {}};
  Poco::Buffer<char> buffered(0);
  request_impl.session().drainBuffer(buffered);
  accepted.read_ahead.assign(buffered.begin(), buffered.size());
  return accepted;
}

}  // namespace callagent::host
