// Twilio-shaped identifiers for simulated calls: two capital letters and 32 lower-case hex
// digits ("CA…" calls, "MZ…" streams, "AC…" accounts), as real Twilio SIDs look.
//
// Threading: safe from any thread (each thread has its own random generator).
#pragma once

#include <string>
#include <string_view>

namespace callagent::callsim {

// `prefix` + 32 random lower-case hex digits, e.g. random_sid("MZ").
std::string random_sid(std::string_view prefix);

}  // namespace callagent::callsim
