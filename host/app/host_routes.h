// The host's own HTTP routes: liveness, readiness and metrics.
//
//   GET /healthz  200 {"status":"ok"} while the process serves requests (no checks: a
//                 load balancer restarts what fails it)
//   GET /readyz   200 {"ready":true}, or 503 {"ready":false,"failing":{check: why}}
//                 (readiness.h names the checks)
//   GET /metrics  Prometheus text format 0.0.4. Like the admin API it needs
//                 `Authorization: Bearer <server.api_token>` (401 without it), and is
//                 disabled (403) while server.api_token is empty: call volumes and
//                 vendor errors are operator data. Prometheus sends the token with
//                 `authorization: {credentials: …}` in its scrape config.
//
// Threading: handlers run on HTTP threads, concurrently. Lifetime: everything the
// dependencies point at must outlive the HTTP server.
#pragma once

#include <string>

#include "host/app/readiness.h"
#include "host/http/router.h"
#include "host/metrics/registry.h"

namespace callagent::host {

struct HostRouteDependencies {
  const metrics::Registry* metrics = nullptr;  // null: no /metrics route
  std::string api_token;                        // server.api_token, for /metrics
  ReadinessCheck* readiness = nullptr;          // null: no /readyz route
};

void register_host_routes(Router& router, HostRouteDependencies dependencies = {});

}  // namespace callagent::host
