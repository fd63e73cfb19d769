// Deepgram's server → client text frames (protocols.md §3.3), turned into plugin-api
// values. Times move onto the call's timeline: Deepgram counts from the first audio of
// each connection, so `timeline_offset_ms` (where that audio sits in the call) is added.
#pragma once

#include <cstdint>
#include <string_view>

#include "callagent/plugin_api.h"

namespace callagent::plugins::deepgram {

struct ServerMessage {
  enum class Kind { results, utterance_end, speech_started, metadata, unknown, malformed };
  Kind kind = Kind::unknown;
  SttResult result;          // results
  std::int64_t time_ms = 0;  // utterance_end: last word end; speech_started: onset
};

// Never throws: bad JSON or a Results without the fields it needs is `malformed`.
ServerMessage parse_server_message(std::string_view text, std::int64_t timeline_offset_ms);

}  // namespace callagent::plugins::deepgram
