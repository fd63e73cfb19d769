#include "host/app/host_routes.h"

#include "host/http/http_responses.h"

namespace callagent::host {

void register_host_routes(Router& router) {
  router.add("GET", "/healthz", [](auto&, auto& response, const PathParams&) {
    send_json(response, Poco::Net::HTTPResponse::HTTP_OK, "{\"status\":\"ok\"}\n");
  });
}

}  // namespace callagent::host
