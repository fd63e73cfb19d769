// Parses what the host sends on a bidirectional Media Stream (../shared/protocols.md §1.2,
// "Outbound (your server → Twilio)"): media {payload}, mark {name}, clear. The host's own
// parser only knows the other direction, hence this one.
//
// Hostile input rule: anything else (not JSON, unknown event, missing field, bad base64,
// another stream's streamSid) is a specific error naming the field; the caller counts it
// and drops the frame, as Twilio would.
//
// Threading: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::callsim {

struct HostMedia {
  std::vector<std::uint8_t> mulaw_audio;  // base64 undone; headerless μ-law 8 kHz
};
struct HostMark {
  std::string name;
};
struct HostClear {};

using HostFrame = std::variant<HostMedia, HostMark, HostClear>;

// `expected_stream_sid`: the stream's MZ…; a frame naming another stream is refused.
// Empty accepts any.
Result<HostFrame> parse_host_frame(std::string_view text, std::string_view expected_stream_sid);

}  // namespace callagent::callsim
