// Speech for the simulated caller from text, with Flite's offline `rms` voice (CMU US
// English, male), so tests and demos need no recordings and no network.
//
// Threading: safe from any thread. Flite keeps global state (voice registry, lexicon) and
// is not documented as re-entrant, so synthesis is serialised by one process-wide lock;
// render clips before calls start rather than during them.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::callsim {

struct SynthesizedSpeech {
  std::vector<float> samples;  // mono, [-1, 1]
  std::uint32_t sample_rate_hz = 0;  // the voice's native rate (16 kHz for rms)
};

// invalid_argument for empty text; internal when Flite produces nothing.
Result<SynthesizedSpeech> synthesize_with_flite(std::string_view text);

}  // namespace callagent::callsim
