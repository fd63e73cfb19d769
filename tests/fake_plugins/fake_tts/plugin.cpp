#include "tests/fake_plugins/fake_tts/fake_tts.h"

CALLAGENT_PLUGIN(tts, "fake_tts", "1.0.0",
                 "test fake: speaks text as mu-law tones, one per word, with realistic delays",
                 callagent::fake_plugins::AutonomousTtsProvider)
