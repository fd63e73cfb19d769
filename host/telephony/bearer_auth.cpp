#include "host/telephony/bearer_auth.h"

#include <string>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <openssl/crypto.h>

#include "host/http/http_responses.h"

namespace callagent::telephony {

bool authorize_admin(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                     std::string_view api_token) {
  using Poco::Net::HTTPResponse;
  if (api_token.empty()) {
    host::send_json_error(response, HTTPResponse::HTTP_FORBIDDEN,
                          "the admin API is disabled: set server.api_token");
    return false;
  }
  const std::string header = request.get("Authorization", "");
  constexpr std::string_view kScheme = "Bearer ";
  const bool well_formed = header.size() == kScheme.size() + api_token.size() &&
                           std::string_view(header).substr(0, kScheme.size()) == kScheme;
  if (well_formed &&
      CRYPTO_memcmp(header.data() + kScheme.size(), api_token.data(), api_token.size()) == 0) {
    return true;
  }
  response.set("WWW-Authenticate", "Bearer");
  host::send_json_error(response, HTTPResponse::HTTP_UNAUTHORIZED,
                        header.empty() ? "missing bearer token" : "wrong bearer token");
  return false;
}

}  // namespace callagent::telephony
