#include "host/telephony/twilio_request_check.h"

#include <istream>

#include <Poco/Net/HTTPServerRequest.h>

#include "host/telephony/public_url.h"

namespace callagent::telephony {

std::optional<std::string> read_body(Poco::Net::HTTPServerRequest& request, std::size_t max_bytes) {
  if (request.hasContentLength() && request.getContentLength64() > static_cast<std::int64_t>(max_bytes)) {
    return std::nullopt;
  }
  std::string body;
  std::istream& stream = request.stream();
  char buffer[4096];
  while (stream.read(buffer, sizeof(buffer)) || stream.gcount() > 0) {
    body.append(buffer, static_cast<std::size_t>(stream.gcount()));
    if (body.size() > max_bytes) return std::nullopt;
  }
  return body;
}

std::string signed_url(const TelephonySettings& settings, Poco::Net::HTTPServerRequest& request,
                       bool websocket) {
  const std::string base = effective_base_url(settings.configured_base_url, request.getHost());
  return (websocket ? websocket_base_url(base) : base) + request.getURI();
}

twilio::SignatureVerdict check_signature(const TelephonySettings& settings,
                                         Poco::Net::HTTPServerRequest& request,
                                         const twilio::FormParams& params, bool websocket) {
  if (!settings.validate_signatures) return twilio::SignatureVerdict::valid;
  const std::string signature = request.get("X-Twilio-Signature", "");
  return twilio::verify_signature(settings.auth_token, signed_url(settings, request, websocket),
                                  params, signature);
}

}  // namespace callagent::telephony
