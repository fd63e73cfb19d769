#include "tests/fake_plugins/fake_state_down/fake_state_down.h"

CALLAGENT_PLUGIN(state_store, "fake_state_down", "1.0.0", "a state store that is always down (tests only)",
                 callagent::fake_plugins::StateStoreDown)
