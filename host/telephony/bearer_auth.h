// The admin API's bearer token check (server.api_token), in constant time.
#pragma once

#include <string_view>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace callagent::telephony {

// True when the request carries `Authorization: Bearer <api_token>`. Otherwise answers
// 401 (with WWW-Authenticate), or 403 when the admin API is disabled (empty token),
// and returns false.
bool authorize_admin(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                     std::string_view api_token);

}  // namespace callagent::telephony
