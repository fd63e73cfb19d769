#include "tools/call-sim/call_events.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace callagent::callsim {
namespace {

double milliseconds(std::chrono::microseconds at) {
  return static_cast<double>(at.count()) / 1000.0;
}

}  // namespace

std::string_view to_string(CallEventKind kind) noexcept {
  switch (kind) {
    case CallEventKind::webhook_answered: return "webhook_answered";
    case CallEventKind::stream_opened: return "stream_opened";
    case CallEventKind::start_sent: return "start_sent";
    case CallEventKind::agent_media: return "agent_media";
    case CallEventKind::first_agent_audio: return "first_agent_audio";
    case CallEventKind::agent_audio_started: return "agent_audio_started";
    case CallEventKind::agent_audio_finished: return "agent_audio_finished";
    case CallEventKind::mark_sent_by_host: return "mark_sent_by_host";
    case CallEventKind::mark_returned: return "mark_returned";
    case CallEventKind::clear_received: return "clear_received";
    case CallEventKind::caller_turn_started: return "caller_turn_started";
    case CallEventKind::caller_turn_ended: return "caller_turn_ended";
    case CallEventKind::dtmf_sent: return "dtmf_sent";
    case CallEventKind::hung_up: return "hung_up";
    case CallEventKind::stream_closed: return "stream_closed";
    case CallEventKind::frame_refused: return "frame_refused";
    case CallEventKind::call_failed: return "call_failed";
  }
  return "unknown";
}

std::string format_event_text(const CallEvent& event) {
  const std::string time = fmt::format("{:.3f}s", static_cast<double>(event.at.count()) / 1e6);
  switch (event.kind) {
    case CallEventKind::webhook_answered:
      return fmt::format("{} webhook answered {}", time, event.status);
    case CallEventKind::stream_opened: return fmt::format("{} stream opened {}", time, event.text);
    case CallEventKind::start_sent: return fmt::format("{} start sent (stream {})", time, event.text);
    case CallEventKind::agent_media:
      return fmt::format("{} agent media {} bytes", time, event.bytes);
    case CallEventKind::first_agent_audio:
      return fmt::format("{} first agent audio ({} bytes)", time, event.bytes);
    case CallEventKind::agent_audio_started: return fmt::format("{} agent audio started", time);
    case CallEventKind::agent_audio_finished: return fmt::format("{} agent audio finished", time);
    case CallEventKind::mark_sent_by_host: return fmt::format("{} mark received {}", time, event.text);
    case CallEventKind::mark_returned: return fmt::format("{} mark returned {}", time, event.text);
    case CallEventKind::clear_received:
      return fmt::format("{} clear received ({} ms of audio dropped, {} marks returned)", time,
                         event.bytes / 8, event.count);
    case CallEventKind::caller_turn_started:
      return fmt::format("{} caller turn {} started: {} ({:.1f} s)", time, event.index, event.text,
                         static_cast<double>(event.bytes) / 8000.0);
    case CallEventKind::caller_turn_ended:
      return fmt::format("{} caller turn {} ended", time, event.index);
    case CallEventKind::dtmf_sent: return fmt::format("{} dtmf {}", time, event.text);
    case CallEventKind::hung_up: return fmt::format("{} hung up", time);
    case CallEventKind::stream_closed:
      return fmt::format("{} stream closed {} with code {}{}", time,
                         event.count != 0 ? "by host" : "(host answered our close)", event.status,
                         event.text.empty() ? std::string() : fmt::format(" ({})", event.text));
    case CallEventKind::frame_refused: return fmt::format("{} host frame refused: {}", time, event.text);
    case CallEventKind::call_failed: return fmt::format("{} call failed: {}", time, event.text);
  }
  return time;
}

std::string format_event_json(const CallEvent& event, int call_index) {
  nlohmann::ordered_json line;
  if (call_index > 0) line["call"] = call_index;
  line["t_ms"] = milliseconds(event.at);
  line["event"] = std::string(to_string(event.kind));
  switch (event.kind) {
    case CallEventKind::webhook_answered: line["status"] = event.status; break;
    case CallEventKind::stream_opened: line["url"] = event.text; break;
    case CallEventKind::start_sent: line["stream_sid"] = event.text; break;
    case CallEventKind::agent_media:
    case CallEventKind::first_agent_audio: line["bytes"] = event.bytes; break;
    case CallEventKind::mark_sent_by_host:
    case CallEventKind::mark_returned: line["name"] = event.text; break;
    case CallEventKind::clear_received:
      line["dropped_bytes"] = event.bytes;
      line["marks_returned"] = event.count;
      break;
    case CallEventKind::caller_turn_started:
      line["turn"] = event.index;
      line["label"] = event.text;
      line["bytes"] = event.bytes;
      break;
    case CallEventKind::caller_turn_ended: line["turn"] = event.index; break;
    case CallEventKind::dtmf_sent: line["digit"] = event.text; break;
    case CallEventKind::stream_closed:
      line["code"] = event.status;
      line["reason"] = event.text;
      line["by_host"] = event.count != 0;
      break;
    case CallEventKind::frame_refused:
    case CallEventKind::call_failed: line["error"] = event.text; break;
    case CallEventKind::agent_audio_started:
    case CallEventKind::agent_audio_finished:
    case CallEventKind::hung_up: break;
  }
  // Replace invalid UTF-8 from a hostile host rather than throw.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace callagent::callsim
