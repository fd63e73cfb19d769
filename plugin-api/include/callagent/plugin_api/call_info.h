// What a per-call session knows about its call.
#pragma once

#include <string>

namespace callagent {

class Logger;

struct CallInfo {
  std::string conversation_id;   // the host's unguessable id for this conversation
  std::string call_sid;          // Twilio's CallSid ("CA…"); may be empty before `start`
  std::string from;              // E.164 caller number
  std::string to;                // E.164 called number
  std::string direction;         // "inbound" or "outbound-api"
  std::string language = "en-US";  // BCP 47, from the agent config
};

// Passed to every open_session(). The references are valid for the life of the session.
struct SessionContext {
  const CallInfo& call;
  // Logger prefixed with the plugin's name and the call id. Thread-safe.
  Logger& logger;
};

}  // namespace callagent
