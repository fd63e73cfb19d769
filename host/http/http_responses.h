// Small helpers to answer HTTP requests consistently (JSON bodies, error shape).
#pragma once

#include <string_view>

#include <Poco/Net/HTTPResponse.h>

namespace Poco::Net { class HTTPServerResponse; }

namespace callagent::host {

void send_json(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               std::string_view json_body);
// {"error": "<message>"}
void send_json_error(Poco::Net::HTTPServerResponse& response,
                     Poco::Net::HTTPResponse::HTTPStatus status, std::string_view message);

}  // namespace callagent::host
