// Twilio's voice webhook, as Twilio sends it when a call comes in
// (../shared/protocols.md §1.3): a form-encoded POST signed with X-Twilio-Signature over
// the URL Twilio was configured with (§2), answered with TwiML.
//
// Threading: free functions; each call opens its own connection, so concurrent calls are
// fine. They block for up to the connection settings' timeouts.
#pragma once

#include <string>

#include "callagent/plugin_api/status.h"
#include "host/twilio/form_params.h"
#include "tools/call-sim/http_connection.h"

namespace callagent::callsim {

struct WebhookRequest {
  // Where to send the request: the host's address and the webhook path,
  // e.g. http://127.0.0.1:3000/inbound_call.
  std::string connect_url;
  // The URL as configured in Twilio (the host's public URL + path). The signature covers
  // it, so it must be what the host believes its public address is; it may differ from
  // connect_url when the host sits behind a tunnel or proxy.
  std::string signed_url;
  std::string auth_token;  // empty: no X-Twilio-Signature header at all (secret; never logged)
  twilio::FormParams params;
};

struct WebhookResponse {
  int status = 0;            // HTTP status, e.g. 200, 403
  std::string content_type;
  std::string body;          // TwiML on success; the host's error text otherwise
};

// The parameters Twilio posts for a ringing inbound call.
twilio::FormParams incoming_call_params(const std::string& call_sid, const std::string& account_sid,
                                        const std::string& from, const std::string& to);

// Any HTTP answer (even 4xx/5xx) is a WebhookResponse; only a failure to talk to the host
// (refused, timeout, bad URL) is an error (unavailable / timeout / invalid_argument) whose
// message says "cannot connect to host …".
Result<WebhookResponse> post_voice_webhook(const WebhookRequest& request,
                                           const ConnectionSettings& settings);

}  // namespace callagent::callsim
