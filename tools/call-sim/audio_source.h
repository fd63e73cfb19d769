// Where the simulated caller's voice comes from, and where the agent's goes: every clip
// ends up as headerless μ-law 8 kHz mono bytes, the only format a Media Stream carries.
//
// Threading: safe from any thread (Flite synthesis is serialised internally). Each call
// converts a whole clip; do it before a call starts, not on its 20 ms path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::callsim {

// A sound file of any rate, sample format and channel count libsndfile reads → mono →
// 8 kHz (speexdsp) → μ-law. Errors name the file and the reason.
Result<std::vector<std::uint8_t>> load_caller_audio(const std::filesystem::path& path);

// Text → Flite `rms` voice → 8 kHz → μ-law.
Result<std::vector<std::uint8_t>> synthesize_caller_audio(std::string_view text);

// The agent's audio as heard by the caller → a μ-law 8 kHz WAV file.
Status write_agent_recording(const std::filesystem::path& path, std::span<const std::uint8_t> mulaw_audio);

}  // namespace callagent::callsim
