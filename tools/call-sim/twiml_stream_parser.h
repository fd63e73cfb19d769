// Reads the TwiML a voice webhook answered with and finds the Media Stream it asks
// Twilio to open: <Response><Connect><Stream url="…"><Parameter name=… value=…/>…
// (../shared/protocols.md §1.1). Parsed with a real XML parser, so entities in values
// (&amp; &quot; &#x27; …) come out decoded, exactly as Twilio would pass them on.
//
// Threading: pure function.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::callsim {

struct StreamInstruction {
  std::string url;  // exactly as written in the TwiML: the WebSocket signature covers it
  // <Parameter>s in document order; they become start.customParameters.
  std::vector<std::pair<std::string, std::string>> parameters;
  // <Connect><Stream> (true) or <Start><Stream> (false, a one-way fork).
  bool bidirectional = true;
};

// Errors (invalid_argument) say what is wrong: not XML, no <Response>, no <Stream> (with
// what the document does instead, e.g. a <Say> apology and <Hangup/>), a <Stream> without
// url, a <Parameter> without name.
Result<StreamInstruction> parse_stream_twiml(std::string_view twiml);

// The first value of the parameter `name`, or empty.
std::string find_parameter(const StreamInstruction& instruction, std::string_view name);

}  // namespace callagent::callsim
