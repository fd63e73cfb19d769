// POST /inbound_call (and POST /outbound_call/{conversation_id} for calls this host
// placed): Twilio's voice webhook. Checks the signature, records the call, and answers
// TwiML that connects a bidirectional Media Stream to /connect_call/{conversation_id}.
//
// Failure policy: a missing signature is 400 and a wrong one 403 (both logged and
// counted); when the host is full or the state store fails, the caller hears a short
// apology and the call ends — never a bare 500, which Twilio would voice as "an
// application error has occurred".
//
// Threading: handle() runs on HTTP threads, concurrently; the object is immutable
// after construction except for the thread-safe collaborators it references.
#pragma once

#include <optional>
#include <string_view>

#include "host/telephony/call_capacity.h"
#include "host/telephony/call_repository.h"
#include "host/telephony/telephony_counters.h"
#include "host/telephony/telephony_settings.h"
#include "host/twilio/form_params.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace callagent::telephony {

class VoiceWebhook {
 public:
  // Every reference must outlive this object.
  VoiceWebhook(const TelephonySettings& settings, const CallRepository& calls,
               CallCapacity& capacity, TelephonyCounters& counters);

  // `outbound_conversation_id`: empty for /inbound_call; the id from the path for
  // /outbound_call/{id}, whose record POST /calls saved before creating the call.
  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
              std::string_view outbound_conversation_id) const;
  // For a host that cannot take calls (no STT/LLM/TTS configured): after the same body
  // and signature checks, the apology TwiML.
  void handle_unavailable(Poco::Net::HTTPServerRequest& request,
                          Poco::Net::HTTPServerResponse& response) const;

 private:
  // Reads and authenticates the request; answers and returns nullopt on failure.
  std::optional<twilio::FormParams> read_signed_form(Poco::Net::HTTPServerRequest& request,
                                                     Poco::Net::HTTPServerResponse& response) const;
  void answer_twiml(Poco::Net::HTTPServerResponse& response, const std::string& twiml) const;
  void answer_apology(Poco::Net::HTTPServerResponse& response, const std::string& message) const;

  const TelephonySettings& settings_;
  const CallRepository& calls_;
  CallCapacity& capacity_;
  TelephonyCounters& counters_;
};

}  // namespace callagent::telephony
