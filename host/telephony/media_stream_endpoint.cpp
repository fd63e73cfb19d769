#include "host/telephony/media_stream_endpoint.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <spdlog/spdlog.h>

#include "host/http/http_responses.h"
#include "host/http/websocket_upgrade.h"
#include "host/telephony/conversation_id.h"
#include "host/telephony/twilio_request_check.h"

namespace callagent::telephony {

using Poco::Net::HTTPResponse;

MediaStreamEndpoint::MediaStreamEndpoint(const TelephonySettings& settings,
                                         const CallRepository& calls, CallCapacity& capacity,
                                         CallStarter& starter, TelephonyCounters& counters,
                                         const host::TimeSource& time, MediaStreamLimits limits,
                                         host::SocketReactor* reactor)
    : settings_(settings),
      calls_(calls),
      capacity_(capacity),
      starter_(starter),
      counters_(counters),
      time_(time),
      limits_(limits),
      reactor_(reactor) {}

void MediaStreamEndpoint::refuse(Poco::Net::HTTPServerResponse& response, int status,
                                 std::string_view message) const {
  ++counters_.streams_refused;
  host::send_json_error(response, static_cast<HTTPResponse::HTTPStatus>(status), message);
}

void MediaStreamEndpoint::handle(Poco::Net::HTTPServerRequest& request,
                                 Poco::Net::HTTPServerResponse& response,
                                 std::string_view conversation_id) const {
  const std::string client = request.clientAddress().host().toString();
  switch (check_signature(settings_, request, {}, /*websocket=*/true)) {
    case twilio::SignatureVerdict::valid: break;
    case twilio::SignatureVerdict::missing:
      spdlog::warn("stream upgrade from {} without X-Twilio-Signature: refused (400)", client);
      refuse(response, HTTPResponse::HTTP_BAD_REQUEST, "missing X-Twilio-Signature");
      return;
    case twilio::SignatureVerdict::invalid:
      spdlog::warn("stream upgrade from {}: X-Twilio-Signature does not match {}: refused (403)",
                   client, signed_url(settings_, request, true));
      refuse(response, HTTPResponse::HTTP_FORBIDDEN, "invalid X-Twilio-Signature");
      return;
  }
  if (!is_conversation_id(conversation_id)) {
    spdlog::warn("stream upgrade from {} for a malformed conversation id: refused (404)", client);
    refuse(response, HTTPResponse::HTTP_NOT_FOUND, "unknown conversation");
    return;
  }
  auto stored = calls_.load(conversation_id);
  if (!stored) {
    spdlog::error("stream for {}: state store failed: {}", conversation_id, stored.status().message());
    refuse(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "state store unavailable");
    return;
  }
  if (!stored.value()) {
    spdlog::warn("stream upgrade from {} for unknown conversation {}: refused (404)", client,
                 conversation_id);
    refuse(response, HTTPResponse::HTTP_NOT_FOUND, "unknown conversation");
    return;
  }
  auto claimed = calls_.claim_stream(conversation_id, settings_.host_name);
  if (!claimed) {
    spdlog::error("stream for {}: state store failed: {}", conversation_id, claimed.status().message());
    refuse(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "state store unavailable");
    return;
  }
  if (!claimed.value()) {
    spdlog::warn("stream upgrade from {} for conversation {} that already has a stream: refused (409)",
                 client, conversation_id);
    refuse(response, HTTPResponse::HTTP_CONFLICT, "this conversation already has a stream");
    return;
  }
  const std::string id(conversation_id);
  if (!capacity_.attach(id)) {
    spdlog::warn("stream for {} refused: host at capacity or draining (503)", conversation_id);
    refuse(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "host at capacity");
    return;
  }
  auto accepted = host::accept_websocket(request, response);
  if (!accepted) {
    capacity_.release();
    spdlog::warn("stream for {}: not a WebSocket upgrade: {}", conversation_id, accepted.status().message());
    refuse(response, HTTPResponse::HTTP_BAD_REQUEST, "expected a WebSocket upgrade");
    return;
  }
  if (reactor_ != nullptr && !accepted.value().socket.secure()) {
    // Plain TCP: the reactor's threads read it; this HTTP thread goes back to the pool.
    const int fd = accepted.value().socket.impl()->sockfd();
    auto connection = std::make_shared<MediaStreamConnection>(
        std::move(accepted).value(), std::move(*stored.value()), starter_, counters_, time_, limits_,
        [&capacity = capacity_] { capacity.release(); });
    if (!connection->begin()) return;
    if (const Status watched = reactor_->add(fd, connection); !watched) {
      spdlog::warn("stream for {}: {}", conversation_id, watched.message());
      connection->on_stop();
      while (connection->on_readable(/*peer_closing=*/true)) {
      }
    }
    return;
  }
  // TLS: read on this thread, blocking (media_stream_connection.h says why).
  auto connection = std::make_shared<MediaStreamConnection>(std::move(accepted).value(), std::move(*stored.value()),
                                                            starter_, counters_, time_, limits_);
  connection->run();
  capacity_.release();
}

}  // namespace callagent::telephony
