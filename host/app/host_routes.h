// The host's own HTTP routes (health now; Twilio and the admin API join later).
#pragma once

#include "host/http/router.h"

namespace callagent::host {

// GET /healthz: 200 {"status":"ok"} while the process serves requests.
void register_host_routes(Router& router);

}  // namespace callagent::host
