// Language model: LlmProvider (config-scoped) → LlmSession (per call) → LlmListener (host).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/call_info.h"
#include "callagent/plugin_api/provider.h"
#include "callagent/plugin_api/status.h"

namespace callagent {

enum class ChatRole : std::uint8_t { system, user, assistant, tool };

struct ToolCall {
  std::string id;              // the model's id for this call; echoed in the tool result
  std::string name;
  std::string arguments_json;  // a JSON object as text
};

struct ChatMessage {
  ChatRole role = ChatRole::user;
  std::string content;
  std::vector<ToolCall> tool_calls;  // role == assistant: calls the model made
  std::string tool_call_id;          // role == tool: which call this answers
};

struct ToolDefinition {
  std::string name;
  std::string description;
  std::string parameters_json_schema;  // a JSON Schema object as text
};

// One generation. The host owns the history and sends it whole every time, already cut
// to what the caller heard after a barge-in.
struct LlmRequest {
  std::uint64_t request_id = 0;  // echoed on every callback; unique within the session
  std::vector<ChatMessage> messages;
  std::vector<ToolDefinition> tools;
};

enum class FinishReason : std::uint8_t { stop, length, tool_calls, content_filter, cancelled, error };

struct LlmUsage {
  std::int64_t prompt_tokens = -1;      // -1 when unknown
  std::int64_t completion_tokens = -1;
};

// Implemented by the host. Called from the plugin's threads; every method returns quickly.
// The host may react inside the callback, on the plugin's thread, when the call is idle
// (no thread hand-off between a vendor's answer and the next request); it never calls this
// same session from there, and never blocks. So a plugin may hold its own session lock
// while it calls the listener, but must not hold a lock another plugin's thread waits on.
// Callbacks for a request may still arrive briefly after cancel(); the host drops those
// whose request_id is no longer current. None arrive after LlmSession is destroyed.
class LlmListener {
 public:
  virtual ~LlmListener() = default;
  // A piece of the reply text, in order. Never empty.
  virtual void on_text_delta(std::uint64_t request_id, std::string_view delta) noexcept = 0;
  // A complete tool call (fragments already assembled). Arrives before on_complete.
  virtual void on_tool_call(std::uint64_t request_id, const ToolCall& call) noexcept = 0;
  // The generation finished. Exactly one of on_complete / on_error ends a request.
  virtual void on_complete(std::uint64_t request_id, FinishReason reason,
                           const LlmUsage& usage) noexcept = 0;
  virtual void on_error(std::uint64_t request_id, const Status& error) noexcept = 0;
};

// One conversation's generations. Methods are called from the call's strand and must
// not block. At most one request is in flight; starting a new one cancels the old.
class LlmSession {
 public:
  virtual ~LlmSession() = default;
  virtual Status generate(const LlmRequest& request) noexcept = 0;
  // Stops the request as soon as possible (closes the connection). No-op if finished.
  virtual void cancel(std::uint64_t request_id) noexcept = 0;
};

class LlmProvider : public Provider {
 public:
  // `listener` outlives the session. Thread-safe.
  virtual Result<std::unique_ptr<LlmSession>> open_session(const SessionContext& context,
                                                           LlmListener& listener) noexcept = 0;
};

}  // namespace callagent
