#include "memory_state.h"

CALLAGENT_PLUGIN(state_store, "state_memory", "1.0.0",
                 "per-call state in this host's memory, with TTL (one host only)",
                 callagent::plugins::MemoryStateStore)
