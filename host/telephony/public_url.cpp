#include "host/telephony/public_url.h"

#include <sstream>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <nlohmann/json.hpp>

namespace callagent::telephony {

std::string websocket_base_url(std::string_view http_base_url) {
  if (http_base_url.starts_with("https://")) return "wss://" + std::string(http_base_url.substr(8));
  if (http_base_url.starts_with("http://")) return "ws://" + std::string(http_base_url.substr(7));
  return std::string(http_base_url);
}

std::string effective_base_url(std::string_view configured_base_url, std::string_view host_header) {
  if (!configured_base_url.empty()) return std::string(configured_base_url);
  return "http://" + std::string(host_header.empty() ? "localhost" : host_header);
}

Result<std::string> discover_ngrok_url(std::string_view ngrok_api_url,
                                       std::chrono::milliseconds timeout) {
  try {
    const Poco::URI uri{std::string(ngrok_api_url)};
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(static_cast<long>(timeout.count() / 1000),
                                      static_cast<long>((timeout.count() % 1000) * 1000)));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/api/tunnels",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& body_stream = session.receiveResponse(response);
    std::ostringstream body;
    Poco::StreamCopier::copyStream(body_stream, body);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
      return Status(ErrorCode::unavailable, "the ngrok agent at " + std::string(ngrok_api_url) +
                                                " answered HTTP " +
                                                std::to_string(static_cast<int>(response.getStatus())));
    }
    const auto json = nlohmann::json::parse(body.str(), nullptr, false);
    if (json.is_discarded() || !json.contains("tunnels") || !json["tunnels"].is_array()) {
      return Status(ErrorCode::vendor_error, "the ngrok agent's /api/tunnels answer has no tunnels list");
    }
    for (const auto& tunnel : json["tunnels"]) {
      const auto url = tunnel.value("public_url", std::string());
      if (url.starts_with("https://")) return url;
    }
    return Status(ErrorCode::not_found,
                  "the ngrok agent has no https tunnel: start one with `ngrok http <port>`");
  } catch (const Poco::Exception& error) {
    return Status(ErrorCode::unavailable, "cannot reach the ngrok agent at " +
                                              std::string(ngrok_api_url) + ": " + error.displayText());
  }
}

}  // namespace callagent::telephony
