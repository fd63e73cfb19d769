// Where call events go: transcripts, metrics, webhooks.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "callagent/plugin_api/provider.h"
#include "callagent/plugin_api/status.h"

namespace callagent {

// Event types the host publishes; payload schemas are in plugin-api/README.md.
namespace event_type {
inline constexpr std::string_view call_started = "call.started";
inline constexpr std::string_view transcript_message = "transcript.message";
inline constexpr std::string_view dtmf = "call.dtmf";
inline constexpr std::string_view tool_call = "tool.call";
inline constexpr std::string_view tool_result = "tool.result";
inline constexpr std::string_view turn_metrics = "turn.metrics";
inline constexpr std::string_view call_ended = "call.ended";
inline constexpr std::string_view transcript_complete = "transcript.complete";
}  // namespace event_type

// A non-owning view; valid only during publish(). Copy what you keep.
struct Event {
  std::string_view type;             // one of event_type::*
  std::string_view conversation_id;
  std::int64_t timestamp_unix_ms = 0;
  std::string_view payload_json;     // a JSON object as text
};

// Thread-safe. publish() must not block: copy the event into a queue and return.
class EventSink : public Provider {
 public:
  virtual void publish(const Event& event) noexcept = 0;
  // Waits until everything published so far is durably handled, or the timeout passes.
  // The host calls it at shutdown before destroying the provider.
  virtual Status flush(std::chrono::milliseconds timeout) noexcept = 0;
};

}  // namespace callagent
