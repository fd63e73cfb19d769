// Twilio Media Streams messages (../shared/protocols.md §1.2): parsing what Twilio sends,
// serialising what the host sends back. All messages are JSON text frames; numeric-looking
// fields (sequenceNumber, chunk, timestamp) arrive as strings.
//
// Threading: pure functions. Hot path: `media` arrives 50 times a second per call, so
// parsing it must not allocate beyond the decoded payload and outbound serialisation
// writes straight into a reusable buffer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace callagent::twilio {

struct ConnectedMessage {
  std::string protocol;  // "Call"
  std::string version;   // "1.0.0"
};

struct StartMessage {
  std::uint64_t sequence_number = 0;
  std::string stream_sid;
  std::string account_sid;
  std::string call_sid;
  std::vector<std::string> tracks;  // e.g. {"inbound"}
  std::vector<std::pair<std::string, std::string>> custom_parameters;
  std::string encoding;             // "audio/x-mulaw"
  std::uint32_t sample_rate_hz = 0; // 8000
  std::uint32_t channels = 0;       // 1
};

struct MediaMessage {
  std::uint64_t sequence_number = 0;
  std::string track;              // "inbound" (a <Connect> stream only sends inbound)
  std::uint64_t chunk = 0;        // 1, 2, 3, …
  std::int64_t timestamp_ms = 0;  // presentation time from the start of the stream
  std::vector<std::uint8_t> payload;  // decoded μ-law bytes (base64 undone)
};

struct MarkMessage {
  std::uint64_t sequence_number = 0;
  std::string name;
};

struct DtmfMessage {
  std::uint64_t sequence_number = 0;
  std::string track;  // "inbound_track"
  std::string digit;  // "0"-"9", "*", "#"
};

struct StopMessage {
  std::uint64_t sequence_number = 0;
  std::string account_sid;
  std::string call_sid;
};

using InboundMessage =
    std::variant<ConnectedMessage, StartMessage, MediaMessage, MarkMessage, DtmfMessage, StopMessage>;

// Why a frame was refused; each is counted separately and none ends the call.
enum class FrameProblem {
  not_json,        // the text does not parse as JSON (or is not an object)
  unknown_event,   // "event" missing or not one of the six above
  missing_field,   // a required field is absent or of the wrong type
  bad_base64,      // media.payload is not valid base64
  bad_number,      // a numeric string (chunk, timestamp, sequenceNumber) is not a number
};

std::string_view to_string(FrameProblem problem) noexcept;

struct ParseOutcome {
  // Set when parsing succeeded; `problem` and `detail` otherwise.
  std::variant<std::monostate, InboundMessage> message;
  FrameProblem problem = FrameProblem::not_json;
  std::string detail;  // human-readable, e.g. "media.payload: invalid base64 at offset 17"

  bool ok() const noexcept { return message.index() == 1; }
  const InboundMessage& value() const { return std::get<1>(message); }
};

// Parses one text frame from Twilio. Unknown extra fields are ignored (Twilio may add
// fields); the `streamSid` of non-connected messages is not required.
ParseOutcome parse_inbound_message(std::string_view text);

// Outbound messages (host → Twilio), byte for byte the shapes of Twilio's samples:
// {"event":"media","streamSid":"MZ…","media":{"payload":"<base64>"}}
// {"event":"mark","streamSid":"MZ…","mark":{"name":"…"}}
// {"event":"clear","streamSid":"MZ…"}
// `output` is cleared and reused, so a steady stream allocates nothing.
void serialize_media(std::string_view stream_sid, std::span<const std::uint8_t> mulaw_audio,
                     std::string& output);
void serialize_mark(std::string_view stream_sid, std::string_view name, std::string& output);
void serialize_clear(std::string_view stream_sid, std::string& output);

// The same shapes as Twilio sends them, for the simulator and tests:
std::string serialize_connected();
std::string serialize_start(const StartMessage& start);
std::string serialize_inbound_media(std::string_view stream_sid, const MediaMessage& media);
std::string serialize_inbound_mark(std::string_view stream_sid, std::uint64_t sequence_number,
                                   std::string_view name);
std::string serialize_dtmf(std::string_view stream_sid, std::uint64_t sequence_number,
                           std::string_view digit);
std::string serialize_stop(std::string_view stream_sid, const StopMessage& stop);

}  // namespace callagent::twilio
