// GET /connect_call/{conversation_id}: the WebSocket upgrade Twilio makes for the stream
// the voice webhook's TwiML asked for. Refused before the upgrade, with a status code
// Twilio logs as error 31920, when: the signature is missing (400) or wrong (403), the id
// is unknown (404), the conversation already has a stream (409), the host is full or
// draining (503), or the state store is down (503).
//
// Threading: handle() runs on an HTTP thread. Once upgraded, a plain TCP stream goes to
// the SocketReactor and the HTTP thread returns; a TLS stream (or any stream when no
// reactor is given) is read on that HTTP thread for its whole life (MediaStreamConnection).
#pragma once

#include <string_view>

#include "host/runtime/clock.h"
#include "host/telephony/call_capacity.h"
#include "host/telephony/call_repository.h"
#include "host/telephony/media_stream_connection.h"
#include "host/telephony/media_stream_port.h"
#include "host/telephony/telephony_counters.h"
#include "host/telephony/telephony_settings.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace callagent::telephony {

class MediaStreamEndpoint {
 public:
  // Every reference must outlive this object.
  MediaStreamEndpoint(const TelephonySettings& settings, const CallRepository& calls,
                      CallCapacity& capacity, CallStarter& starter, TelephonyCounters& counters,
                      const host::TimeSource& time, MediaStreamLimits limits = {},
                      host::SocketReactor* reactor = nullptr);

  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
              std::string_view conversation_id) const;

 private:
  void refuse(Poco::Net::HTTPServerResponse& response, int status, std::string_view message) const;

  const TelephonySettings& settings_;
  const CallRepository& calls_;
  CallCapacity& capacity_;
  CallStarter& starter_;
  TelephonyCounters& counters_;
  const host::TimeSource& time_;
  MediaStreamLimits limits_;
  host::SocketReactor* reactor_;
};

}  // namespace callagent::telephony
