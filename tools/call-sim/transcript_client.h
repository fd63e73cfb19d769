// Reads a finished call's record from the host's call API, GET /call/{conversation_id}
// with a bearer token (host/telephony/call_api.h), to show what the agent understood and
// said: the turns with speaker, text and whether the agent was interrupted.
//
// Threading: free functions; each opens its own connection and blocks up to the
// connection timeouts (the polling variant up to its own timeout).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "callagent/plugin_api/status.h"
#include "tools/call-sim/http_connection.h"

namespace callagent::callsim {

struct TranscriptTurn {
  std::string speaker;  // "agent" or "caller" (whatever the host wrote)
  std::string text;
  bool interrupted = false;
};

struct CallTranscript {
  std::string status;  // pending, in-progress, completed, …
  std::string ended_reason;
  std::vector<TranscriptTurn> turns;
  nlohmann::json record;  // the whole answer, for fields this struct does not name
};

// One GET. Errors: "cannot connect to host …", "call API answered 401: …",
// vendor_error for a body that is not a call record.
Result<CallTranscript> fetch_call_transcript(std::string_view host_url, std::string_view conversation_id,
                                             std::string_view api_token, const ConnectionSettings& settings);

// Polls until the record's status is no longer pending/in-progress (the host writes the
// final transcript just after the stream ends), or `timeout` passes; returns the last
// record read either way.
Result<CallTranscript> fetch_final_call_transcript(std::string_view host_url, std::string_view conversation_id,
                                                   std::string_view api_token, const ConnectionSettings& settings,
                                                   std::chrono::milliseconds timeout);

// "agent: Hello! How can I help you today?\ncaller: … (interrupted)\n"
std::string format_transcript(const CallTranscript& transcript);

}  // namespace callagent::callsim
