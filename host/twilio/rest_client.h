// Twilio's REST API for calls (../shared/protocols.md §1.4): create an outbound call,
// hang up, and replace a live call's TwiML (transfer, DTMF).
//
// HTTP Basic auth with AccountSid:AuthToken, form-encoded bodies, `Accept:
// application/json`; https with certificate verification (Poco NetSSL), or plain http
// when `api_base_url` says so (tests point it at tools/mock-vendors' fake Twilio).
//
// Threading: thread-safe; every call blocks its thread for up to `timeout`, so call it
// from an HTTP handler thread or the blocking-work executor, never a call's strand.
// No secret ever reaches a log line or an error message.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::twilio {

struct RestClientSettings {
  std::string api_base_url = "https://api.twilio.com";  // no trailing slash
  std::string account_sid;
  std::string auth_token;                                // secret
  std::chrono::milliseconds timeout{10000};
};

struct OutboundCallRequest {
  std::string to;                   // E.164 or client:name
  std::string from;                 // a Twilio number of the account
  std::string url;                  // the voice webhook Twilio fetches when answered
  std::string status_callback;      // may be empty
  // Sent as repeated StatusCallbackEvent keys; ignored when status_callback is empty.
  std::vector<std::string> status_callback_events = {"initiated", "ringing", "answered", "completed"};
  int timeout_seconds = 0;          // ring time; 0 leaves Twilio's default (60)
};

struct CreatedCall {
  std::string call_sid;   // "CA…"
  std::string status;     // "queued"
};

// A Twilio error answer, carried in Status messages as
// "Twilio REST 404 (code 20404): The requested resource ... was not found".
class TwilioRestClient {
 public:
  explicit TwilioRestClient(RestClientSettings settings);

  // POST /2010-04-01/Accounts/{sid}/Calls.json with To, From, Url, Method=POST and the
  // status callback fields. 201 → the call's sid and status.
  // 401/403 → unauthenticated; 429 → rate_limited; 4xx → invalid_argument (Twilio's
  // message kept); 5xx and bad JSON → vendor_error; network → unavailable; timeout.
  Result<CreatedCall> create_call(const OutboundCallRequest& request) const;

  // POST …/Calls/{sid}.json with Status=completed. Idempotent: a call that is already
  // over, or unknown to Twilio (HTTP 404 or code 20404), counts as hung up.
  Status hang_up(std::string_view call_sid) const;

  // POST …/Calls/{sid}.json with Twiml=<document>: the call leaves its current TwiML
  // (and stream) and runs this document instead.
  Status update_twiml(std::string_view call_sid, std::string_view twiml) const;

 private:
  RestClientSettings settings_;
};

}  // namespace callagent::twilio
