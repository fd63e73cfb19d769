// Twilio's request signature, X-Twilio-Signature (../shared/protocols.md §2).
//
// signature = base64(HMAC-SHA1(auth_token, url + concat(name + value for each param,
// names sorted byte-wise, each name's values de-duplicated and sorted))).
//
// Threading: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "host/twilio/form_params.h"

namespace callagent::twilio {

// The signature Twilio computes for `url` (exactly as given) and form `params`
// (empty for GET requests, WebSocket upgrades and JSON bodies).
std::string compute_signature(std::string_view auth_token, std::string_view url,
                              const FormParams& params);

enum class SignatureVerdict {
  valid,
  missing,   // no header, or an empty one: answer 400
  invalid,   // present but wrong: answer 403
};

// Checks a form-encoded POST, a GET or a WebSocket upgrade. Accepts the signature
// computed over `url` as given, over `url` without its port, and over `url` with the
// scheme's default port added (:443 for https/wss, :80 for http/ws), as Twilio's own
// validators do. Compares in constant time.
SignatureVerdict verify_signature(std::string_view auth_token, std::string_view url,
                                  const FormParams& params, std::string_view signature_header);

// Checks a JSON-body request: `url` carries bodySHA256=<hex sha256 of body> in its query;
// the signature covers the URL only, and sha256(body) must equal that parameter.
// Without a bodySHA256 parameter the verdict is invalid.
SignatureVerdict verify_json_body_signature(std::string_view auth_token, std::string_view url,
                                            std::string_view body,
                                            std::string_view signature_header);

// Lower-case hex SHA-256, for bodySHA256.
std::string sha256_hex(std::string_view data);

}  // namespace callagent::twilio
