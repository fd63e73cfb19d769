// Needs a symbol nothing provides. Built without --no-undefined on purpose, so the
// loader's RTLD_NOW must refuse it at load time rather than crash at first use.
#include "fixture_providers.h"

extern "C" int callagent_fixture_symbol_nobody_defines();

extern "C" __attribute__((visibility("default"))) int uses_missing_symbol() {
  return callagent_fixture_symbol_nobody_defines();
}

CALLAGENT_PLUGIN(tts, "fixture_undefined_symbol", "1.0.0", "needs a missing symbol",
                 callagent::test_plugins::FixtureTtsProvider)
