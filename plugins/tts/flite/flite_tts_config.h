// The tts_flite config subtree: parsing and validation, with no side effects.
//
//   {"voice": "rms",     one of kFliteVoiceNames (flite_voices.h)
//    "speed": 1.0,       speaking rate from 0.5 to 2.0; 2.0 speaks twice as fast
//    "pitch_hz": 120}    optional mean pitch target from 50 to 400 Hz; unset keeps the voice's
//                        own. Measured: kal, kal16 and awb follow it, slt barely, rms not at
//                        all (its pitch comes from its own model).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "callagent/plugin_api/status.h"
#include "flite_voices.h"

namespace callagent::plugins {

struct FliteTtsConfig {
  std::string voice{kDefaultFliteVoice};
  double speed = 1.0;
  std::optional<double> pitch_hz;
};

inline constexpr double kMinFliteSpeed = 0.5;
inline constexpr double kMaxFliteSpeed = 2.0;
inline constexpr double kMinFlitePitchHz = 50.0;
inline constexpr double kMaxFlitePitchHz = 400.0;

// Parses the plugin's own config subtree. Refuses unknown keys, wrong types and values out
// of range with ErrorCode::invalid_config and a message naming the key ("speed: expected a
// number from 0.5 to 2, got 3"). Empty text means "all defaults".
Result<FliteTtsConfig> parse_flite_tts_config(std::string_view config_json);

// The same settings always give the same text: "tts_flite:rms:1:default",
// "tts_flite:slt:1.25:180". Numbers in their shortest exact form.
std::string flite_voice_key(const FliteTtsConfig& config);

}  // namespace callagent::plugins
