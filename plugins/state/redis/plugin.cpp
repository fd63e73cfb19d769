#include "redis_state.h"

CALLAGENT_PLUGIN(state_store, "state_redis", "1.0.0",
                 "per-call state in Redis (hiredis), shared by every host; TTL, outage backoff",
                 callagent::plugins::redis::RedisStateStore)
