// In-band DTMF: the dual tones of ITU-T Q.23 as μ-law 8 kHz audio, for the send_dtmf tool.
// Sent over the media stream like any agent audio, so the call stays on its stream (a
// TwiML <Play digits> would end the stream and the conversation with it).
//
// Threading: pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace callagent::pipeline {

// Each digit `tone_ms` of tone then `gap_ms` of silence; 'w' is a 500 ms pause.
// nullopt when `digits` holds anything but 0-9, *, #, A-D, w.
std::optional<std::vector<std::uint8_t>> dtmf_audio(std::string_view digits, int tone_ms = 100,
                                                    int gap_ms = 80);

}  // namespace callagent::pipeline
