// The timeline of one simulated call: what happened and when, measured on the steady
// clock from the moment the call started (SimulatedCall::run). Printed live as text
// ("12.340s agent audio started") or JSON lines, and the raw material for latencies.
//
// Threading: plain values and pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace callagent::callsim {

enum class CallEventKind {
  webhook_answered,      // status: HTTP status
  stream_opened,         // text: the URL connected to
  start_sent,            // text: streamSid; `connected` and `start` went out
  agent_media,           // bytes: μ-law bytes in one media frame from the host
  first_agent_audio,     // bytes: the call's first agent media frame
  agent_audio_started,   // playback went from silent to playing
  agent_audio_finished,  // playback ran dry (at the exact moment the last byte played)
  mark_sent_by_host,     // text: mark name
  mark_returned,         // text: mark name; we sent it back because playback reached it (or clear)
  clear_received,        // bytes: audio dropped unplayed; count: pending marks returned
  caller_turn_started,   // index: turn number from 1; text: label; bytes: utterance length
  caller_turn_ended,     // index: turn number; the utterance's last frame went out
  dtmf_sent,             // text: the digit
  hung_up,               // we sent `stop` and closed the stream
  stream_closed,         // status: close code; text: reason; count: 1 when the host closed first
  frame_refused,         // text: why a host frame was dropped
  call_failed,           // text: the error
};

std::string_view to_string(CallEventKind kind) noexcept;

struct CallEvent {
  CallEventKind kind = CallEventKind::call_failed;
  std::chrono::microseconds at{0};  // since the call started
  std::int64_t bytes = 0;
  int status = 0;
  int index = 0;
  int count = 0;
  std::string text;
};

// "12.340s agent audio started", "12.900s mark returned m-3".
std::string format_event_text(const CallEvent& event);

// {"t_ms":12340.1,"event":"mark_returned","name":"m-3"} with the fields each kind uses.
// `call_index` > 0 adds "call":N (several concurrent calls on one output).
std::string format_event_json(const CallEvent& event, int call_index = 0);

}  // namespace callagent::callsim
