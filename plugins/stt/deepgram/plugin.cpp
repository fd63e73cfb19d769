#include "deepgram_stt.h"

CALLAGENT_PLUGIN(stt, "stt_deepgram", "1.0.0", "Deepgram live streaming speech recognition",
                 callagent::plugins::deepgram::DeepgramStt)
