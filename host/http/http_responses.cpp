#include "host/http/http_responses.h"

#include <Poco/Net/HTTPServerResponse.h>
#include <nlohmann/json.hpp>

namespace callagent::host {

void send_json(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               std::string_view json_body) {
  response.setStatus(status);
  response.setContentType("application/json");
  response.setContentLength(static_cast<std::streamsize>(json_body.size()));
  response.send().write(json_body.data(), static_cast<std::streamsize>(json_body.size()));
}

void send_json_error(Poco::Net::HTTPServerResponse& response,
                     Poco::Net::HTTPResponse::HTTPStatus status, std::string_view message) {
  const std::string body = nlohmann::json{{"error", message}}.dump() + "\n";
  send_json(response, status, body);
}

}  // namespace callagent::host
