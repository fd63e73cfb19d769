// Reading and authenticating requests from Twilio: a bounded body read, and the
// X-Twilio-Signature check against the public URL Twilio used.
//
// Threading: runs on the request's HTTP thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "host/telephony/telephony_settings.h"
#include "host/twilio/form_params.h"
#include "host/twilio/request_signature.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace callagent::telephony {

inline constexpr std::size_t kMaxWebhookBodyBytes = 64 * 1024;

// Reads the whole body, up to `max_bytes`; nullopt when it is larger.
std::optional<std::string> read_body(Poco::Net::HTTPServerRequest& request, std::size_t max_bytes);

// The URL Twilio signed for this request: public base URL + path and query as received.
// `websocket` selects the ws(s):// form Twilio signs on stream upgrades.
std::string signed_url(const TelephonySettings& settings, Poco::Net::HTTPServerRequest& request,
                       bool websocket);

// valid when signature checks are off.
twilio::SignatureVerdict check_signature(const TelephonySettings& settings,
                                         Poco::Net::HTTPServerRequest& request,
                                         const twilio::FormParams& params, bool websocket);

}  // namespace callagent::telephony
