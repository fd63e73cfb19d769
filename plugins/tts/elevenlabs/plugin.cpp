#include "elevenlabs_tts.h"

CALLAGENT_PLUGIN(tts, "tts_elevenlabs", "1.0.0", "ElevenLabs streaming speech synthesis",
                 callagent::plugins::ElevenLabsTtsProvider)
