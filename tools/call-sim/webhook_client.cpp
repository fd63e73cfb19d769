#include "tools/call-sim/webhook_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <fmt/format.h>

#include <istream>
#include <ostream>

#include "host/twilio/request_signature.h"

namespace callagent::callsim {
namespace {

// TwiML answers are small; a host answering megabytes is broken, and reading it all
// would only hide that.
constexpr std::size_t kMaxBodyBytes = 1 << 20;

std::string read_capped(std::istream& in) {
  std::string body;
  char buffer[8192];
  while (body.size() < kMaxBodyBytes && in.read(buffer, sizeof buffer).gcount() > 0) {
    body.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  if (body.size() > kMaxBodyBytes) body.resize(kMaxBodyBytes);
  return body;
}

}  // namespace

twilio::FormParams incoming_call_params(const std::string& call_sid, const std::string& account_sid,
                                        const std::string& from, const std::string& to) {
  // Twilio's real set, including the empty geo fields: empty values take part in the
  // signature, which is exactly the kind of thing a host can get wrong.
  return {
      {"AccountSid", account_sid}, {"ApiVersion", "2010-04-01"}, {"CallSid", call_sid},
      {"CallStatus", "ringing"},   {"Called", to},               {"CalledCity", ""},
      {"CalledCountry", "US"},     {"CalledState", ""},          {"CalledZip", ""},
      {"Caller", from},            {"CallerCity", ""},           {"CallerCountry", "US"},
      {"CallerState", ""},         {"CallerZip", ""},            {"Direction", "inbound"},
      {"From", from},              {"FromCity", ""},             {"FromCountry", "US"},
      {"FromState", ""},           {"FromZip", ""},              {"To", to},
      {"ToCity", ""},              {"ToCountry", "US"},          {"ToState", ""},
      {"ToZip", ""},
  };
}

Result<WebhookResponse> post_voice_webhook(const WebhookRequest& request,
                                           const ConnectionSettings& settings) {
  auto target = parse_http_target(request.connect_url);
  if (!target) return target.status();

  const std::string body = twilio::encode_form_urlencoded(request.params);
  Poco::Net::HTTPRequest http_request(Poco::Net::HTTPRequest::HTTP_POST,
                                      target.value().path_and_query,
                                      Poco::Net::HTTPMessage::HTTP_1_1);
  http_request.setContentType("application/x-www-form-urlencoded");
  http_request.setContentLength(static_cast<std::streamsize>(body.size()));
  http_request.set("User-Agent", "TwilioProxy/1.1");
  http_request.set("Accept", "*/*");
  if (!request.auth_token.empty()) {
    http_request.set("X-Twilio-Signature",
                     twilio::compute_signature(request.auth_token, request.signed_url, request.params));
  }

  auto session = open_http_session(target.value(), settings);
  try {
    std::ostream& out = session->sendRequest(http_request);
    out << body;
    Poco::Net::HTTPResponse http_response;
    std::istream& in = session->receiveResponse(http_response);
    WebhookResponse response;
    response.status = static_cast<int>(http_response.getStatus());
    response.content_type = http_response.getContentType();
    response.body = read_capped(in);
    return response;
  } catch (const Poco::TimeoutException& error) {
    return Status(ErrorCode::timeout, fmt::format("voice webhook {}: host did not answer in time ({})",
                                                  request.connect_url, error.displayText()));
  } catch (const std::exception& error) {
    return Status(ErrorCode::unavailable, describe_connection_error(target.value(), error));
  }
}

}  // namespace callagent::callsim
