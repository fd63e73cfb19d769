// Fills the phrase cache at start-up: the greeting, goodbye, idle check and apology are
// synthesised once per voice, so the first caller hears the greeting at once and an
// apology can be spoken even when the TTS later fails.
//
// Threading: blocking (waits for the TTS); run it on the blocking executor.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "callagent/plugin_api/tts.h"
#include "host/pipeline/phrase_cache.h"

namespace callagent::pipeline {

// Returns how many phrases were cached. Failures are logged and leave the cache as it was.
std::size_t warm_phrase_cache(TtsProvider& tts, Logger& session_logger, PhraseCache& cache,
                              const std::vector<std::string>& phrases,
                              std::chrono::milliseconds timeout_per_phrase);

}  // namespace callagent::pipeline
