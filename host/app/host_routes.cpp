#include "host/app/host_routes.h"

#include <Poco/Net/HTTPServerResponse.h>

#include "host/http/http_responses.h"
#include "host/metrics/exposition.h"
#include "host/telephony/bearer_auth.h"

namespace callagent::host {

void register_host_routes(Router& router, HostRouteDependencies dependencies) {
  router.add("GET", "/healthz", [](auto&, auto& response, const PathParams&) {
    send_json(response, Poco::Net::HTTPResponse::HTTP_OK, "{\"status\":\"ok\"}\n");
  });
  if (dependencies.readiness != nullptr) {
    router.add("GET", "/readyz", [readiness = dependencies.readiness](auto&, auto& response, const PathParams&) {
      const ReadinessVerdict verdict = readiness->check();
      send_json(response,
                verdict.ready ? Poco::Net::HTTPResponse::HTTP_OK : Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                verdict.json());
    });
  }
  if (dependencies.metrics != nullptr) {
    router.add("GET", "/metrics",
               [registry = dependencies.metrics, api_token = dependencies.api_token](
                   auto& request, auto& response, const PathParams&) {
                 if (!telephony::authorize_admin(request, response, api_token)) return;
                 const std::string body = registry->render();
                 response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
                 response.setContentType(std::string(metrics::kExpositionContentType));
                 response.set("Cache-Control", "no-store");
                 response.setContentLength(static_cast<std::streamsize>(body.size()));
                 response.send() << body;
               });
  }
}

}  // namespace callagent::host
