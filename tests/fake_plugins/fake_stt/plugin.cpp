#include "tests/fake_plugins/fake_stt/fake_stt.h"

CALLAGENT_PLUGIN(stt, "fake_stt", "1.0.0",
                 "test fake: hears energy in mu-law audio, reports scripted transcripts",
                 callagent::fake_plugins::AutonomousSttProvider)
