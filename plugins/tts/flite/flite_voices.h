// The Flite voices this plugin links and accepts in its config, by their short names.
//
// Measured on a telephone line (μ-law 8 kHz, recognised by PocketSphinx): rms is understood
// best, so it is the default. slt is female, rms/awb/kal male; kal is a diphone voice at
// 8 kHz, the rest speak at 16 kHz.
#pragma once

#include <array>
#include <string_view>

namespace callagent::plugins {

inline constexpr std::array<std::string_view, 5> kFliteVoiceNames{"slt", "rms", "awb", "kal", "kal16"};
inline constexpr std::string_view kDefaultFliteVoice = "rms";

}  // namespace callagent::plugins
