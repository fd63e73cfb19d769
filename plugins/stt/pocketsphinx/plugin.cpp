#include "pocketsphinx_stt.h"

CALLAGENT_PLUGIN(stt, "stt_pocketsphinx", "1.0.0",
                 "offline speech recognition with CMU PocketSphinx (en-us)",
                 callagent::plugins::pocketsphinx::PocketsphinxStt)
