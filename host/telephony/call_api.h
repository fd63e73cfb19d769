// The call API, for operators and for Twilio's status callbacks:
//   GET  /call/{conversation_id}          the call's record (bearer server.api_token)
//   POST /calls                           place an outbound call (bearer token)
//   POST /call/{conversation_id}/hangup   hang up through Twilio's REST API (bearer token)
//   POST /call_status                     Twilio's status callbacks (signed)
//
// Threading: handlers run on HTTP threads, concurrently; they block on the state store
// and on Twilio's REST API, which is what HTTP threads are for.
#pragma once

#include <memory>
#include <string_view>

#include "host/telephony/call_repository.h"
#include "host/telephony/telephony_settings.h"
#include "host/twilio/rest_client.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace callagent::telephony {

class CallApi {
 public:
  // `rest` may be null when no Twilio account is configured (outbound calls and
  // hang-up then answer 503 saying what to configure). References outlive this object.
  CallApi(const TelephonySettings& settings, const CallRepository& calls,
          std::shared_ptr<const twilio::TwilioRestClient> rest);

  void get_call(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                std::string_view conversation_id) const;
  void create_outbound_call(Poco::Net::HTTPServerRequest& request,
                            Poco::Net::HTTPServerResponse& response) const;
  void hang_up(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
               std::string_view conversation_id) const;
  void status_callback(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) const;

 private:
  // Loads the record or answers 404/503 and returns nullopt.
  std::optional<CallRecord> load_or_answer(Poco::Net::HTTPServerResponse& response,
                                           std::string_view conversation_id) const;

  const TelephonySettings& settings_;
  const CallRepository& calls_;
  std::shared_ptr<const twilio::TwilioRestClient> rest_;
};

// The agent settings a POST /calls may override for one call.
inline constexpr std::string_view kOverridableAgentKeys[] = {
    "initial_message", "prompt_preamble", "goodbye_message", "language", "interrupt_sensitivity"};

}  // namespace callagent::telephony
