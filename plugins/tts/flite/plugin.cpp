#include "flite_tts.h"

CALLAGENT_PLUGIN(tts, "tts_flite", "1.0.0", "offline speech synthesis with CMU Flite",
                 callagent::plugins::FliteTtsProvider)
