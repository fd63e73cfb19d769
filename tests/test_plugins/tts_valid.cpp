// A well-formed TTS plugin: loads as a TTS, and is the "kind mismatch" fixture when the
// config names it where an STT is expected.
#include "fixture_providers.h"

CALLAGENT_PLUGIN(tts, "fixture_tts_valid", "1.0.0", "a well-formed TTS plugin for loader tests",
                 callagent::test_plugins::FixtureTtsProvider)
