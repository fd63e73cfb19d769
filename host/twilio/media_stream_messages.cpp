#include "host/twilio/media_stream_messages.h"

#include <cstdint>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "host/audio/base64.h"
#include "host/twilio/media_message_scanner.h"

namespace callagent::twilio {
namespace {

// ordered_json keeps customParameters in the order Twilio sent them (the <Parameter>
// order of the TwiML), and its linear key lookup is cheap for objects of a few keys.
using Json = nlohmann::ordered_json;

// Event names and other untrusted text quoted in details are cut to this many bytes so
// one hostile frame cannot flood the log.
constexpr std::size_t kMaxQuotedBytes = 40;

// Frames nested deeper than this are refused before nlohmann sees them; why is explained
// in media_message_scanner.h, where the fast path shares the limit.
using detail::kMaxNestingDepth;

// Scans brackets outside strings only: one cheap pass, far below the parse's own cost.
bool nesting_within_limit(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char character : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (character == '\\') {
        escaped = true;
      } else if (character == '"') {
        in_string = false;
      }
    } else if (character == '"') {
      in_string = true;
    } else if (character == '[' || character == '{') {
      if (++depth > kMaxNestingDepth) return false;
    } else if ((character == ']' || character == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Parsing helpers. Each returns false after filling `outcome` with the problem, so the
// per-event parsers read as a list of fields.

bool fail(ParseOutcome& outcome, FrameProblem problem, std::string detail) {
  outcome.problem = problem;
  outcome.detail = std::move(detail);
  return false;
}

// Untrusted text for a log line: truncated, with control and non-ASCII bytes replaced
// (a byte-level cut could otherwise split a UTF-8 sequence).
std::string quote_for_detail(std::string_view text) {
  std::string quoted = "\"";
  for (const char character : text.substr(0, kMaxQuotedBytes)) {
    const auto byte = static_cast<unsigned char>(character);
    quoted += (byte < 0x20 || byte >= 0x7F) ? '?' : character;
  }
  if (text.size() > kMaxQuotedBytes) quoted += "...";
  quoted += '"';
  return quoted;
}

// The last component of a dotted path ("start.mediaFormat.encoding" → "encoding").
std::string_view key_of(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

// The member named by the last component of `path`, or nullptr when it is absent.
// A JSON null counts as absent: it carries no value either way.
const Json* find_member(const Json& object, std::string_view path) {
  const std::string_view key = key_of(path);
  for (auto member = object.begin(); member != object.end(); ++member) {
    if (member.key() == key) return member->is_null() ? nullptr : &*member;
  }
  return nullptr;
}

bool read_object(const Json& parent, std::string_view path, const Json*& object,
                 ParseOutcome& outcome) {
  object = find_member(parent, path);
  if (object == nullptr) return fail(outcome, FrameProblem::missing_field, std::string(path) + ": missing");
  if (!object->is_object()) {
    return fail(outcome, FrameProblem::missing_field, std::string(path) + ": expected an object");
  }
  return true;
}

// Reads a string member; when `required` is false an absent member leaves `value` as is.
bool read_string(const Json& parent, std::string_view path, bool required, std::string& value,
                 ParseOutcome& outcome) {
  const Json* field = find_member(parent, path);
  if (field == nullptr) {
    if (!required) return true;
    return fail(outcome, FrameProblem::missing_field, std::string(path) + ": missing");
  }
  if (!field->is_string()) {
    return fail(outcome, FrameProblem::missing_field, std::string(path) + ": expected a string");
  }
  value = field->get_ref<const std::string&>();
  return true;
}

// Twilio sends counters as decimal strings; a JSON number is accepted too so a
// hand-written or future sender is not refused for the quoting alone.
template <typename Integer>
bool read_integer_value(const Json& field, std::string_view path, Integer& value,
                        ParseOutcome& outcome) {
  if (field.is_string()) {
    const auto& text = field.get_ref<const std::string&>();
    if (!detail::parse_decimal(text, value)) {
      return fail(outcome, FrameProblem::bad_number,
                  std::string(path) + ": not a number: " + quote_for_detail(text));
    }
    return true;
  }
  if (field.is_number_unsigned() && std::in_range<Integer>(field.get<std::uint64_t>())) {
    value = static_cast<Integer>(field.get<std::uint64_t>());
    return true;
  }
  if (field.is_number_integer() && !field.is_number_unsigned() &&
      std::in_range<Integer>(field.get<std::int64_t>())) {
    value = static_cast<Integer>(field.get<std::int64_t>());
    return true;
  }
  if (field.is_number()) {  // a fraction, a negative counter or out of range
    return fail(outcome, FrameProblem::bad_number,
                std::string(path) + ": not a whole number in range: " + field.dump());
  }
  return fail(outcome, FrameProblem::missing_field,
              std::string(path) + ": expected a number or numeric string");
}

template <typename Integer>
bool read_integer(const Json& parent, std::string_view path, bool required, Integer& value,
                  ParseOutcome& outcome) {
  const Json* field = find_member(parent, path);
  if (field == nullptr) {
    if (!required) return true;
    return fail(outcome, FrameProblem::missing_field, std::string(path) + ": missing");
  }
  return read_integer_value(*field, path, value, outcome);
}

bool read_sequence_number(const Json& root, std::uint64_t& sequence_number, ParseOutcome& outcome) {
  return read_integer(root, "sequenceNumber", false, sequence_number, outcome);
}

// ---------------------------------------------------------------------------------------
// One parser per event.

bool parse_connected(const Json& root, ConnectedMessage& message, ParseOutcome& outcome) {
  return read_string(root, "protocol", false, message.protocol, outcome) &&
         read_string(root, "version", false, message.version, outcome);
}

bool read_tracks(const Json& start, std::vector<std::string>& tracks, ParseOutcome& outcome) {
  const Json* field = find_member(start, "start.tracks");
  if (field == nullptr) return true;
  if (!field->is_array()) {
    return fail(outcome, FrameProblem::missing_field, "start.tracks: expected an array of strings");
  }
  tracks.reserve(field->size());
  for (const Json& track : *field) {
    if (!track.is_string()) {
      return fail(outcome, FrameProblem::missing_field, "start.tracks: expected an array of strings");
    }
    tracks.push_back(track.get_ref<const std::string&>());
  }
  return true;
}

// <Parameter> values are always strings from Twilio; anything else is kept as its JSON
// text rather than refusing the whole stream over one parameter.
bool read_custom_parameters(const Json& start,
                            std::vector<std::pair<std::string, std::string>>& parameters,
                            ParseOutcome& outcome) {
  const Json* field = find_member(start, "start.customParameters");
  if (field == nullptr) return true;
  if (!field->is_object()) {
    return fail(outcome, FrameProblem::missing_field, "start.customParameters: expected an object");
  }
  parameters.reserve(field->size());
  for (auto member = field->begin(); member != field->end(); ++member) {
    std::string value = member->is_string() ? member->get<std::string>()
                                            : member->dump(-1, ' ', false, Json::error_handler_t::replace);
    parameters.emplace_back(member.key(), std::move(value));
  }
  return true;
}

bool read_media_format(const Json& start, StartMessage& message, ParseOutcome& outcome) {
  const Json* format = nullptr;
  return read_object(start, "start.mediaFormat", format, outcome) &&
         read_string(*format, "start.mediaFormat.encoding", true, message.encoding, outcome) &&
         read_integer(*format, "start.mediaFormat.sampleRate", true, message.sample_rate_hz, outcome) &&
         read_integer(*format, "start.mediaFormat.channels", true, message.channels, outcome);
}

bool parse_start(const Json& root, StartMessage& message, ParseOutcome& outcome) {
  const Json* start = nullptr;
  return read_sequence_number(root, message.sequence_number, outcome) &&
         read_object(root, "start", start, outcome) &&
         read_string(*start, "start.streamSid", true, message.stream_sid, outcome) &&
         read_string(*start, "start.callSid", true, message.call_sid, outcome) &&
         read_string(*start, "start.accountSid", true, message.account_sid, outcome) &&
         read_tracks(*start, message.tracks, outcome) &&
         read_custom_parameters(*start, message.custom_parameters, outcome) &&
         read_media_format(*start, message, outcome);
}

bool decode_payload(const Json& media, std::vector<std::uint8_t>& payload, ParseOutcome& outcome) {
  const Json* field = find_member(media, "media.payload");
  if (field == nullptr) return fail(outcome, FrameProblem::missing_field, "media.payload: missing");
  if (!field->is_string()) {
    return fail(outcome, FrameProblem::missing_field, "media.payload: expected a string");
  }
  // Decoded straight from the parsed string: the base64 text is never copied.
  std::size_t error_offset = 0;
  if (!audio::base64_decode(field->get_ref<const std::string&>(), payload, error_offset)) {
    return fail(outcome, FrameProblem::bad_base64,
                "media.payload: invalid base64 at offset " + std::to_string(error_offset));
  }
  return true;
}

bool parse_media(const Json& root, MediaMessage& message, ParseOutcome& outcome) {
  const Json* media = nullptr;
  message.track = "inbound";  // a <Connect> stream only carries the caller's audio
  return read_sequence_number(root, message.sequence_number, outcome) &&
         read_object(root, "media", media, outcome) &&
         read_string(*media, "media.track", false, message.track, outcome) &&
         read_integer(*media, "media.chunk", true, message.chunk, outcome) &&
         read_integer(*media, "media.timestamp", true, message.timestamp_ms, outcome) &&
         decode_payload(*media, message.payload, outcome);
}

bool parse_mark(const Json& root, MarkMessage& message, ParseOutcome& outcome) {
  const Json* mark = nullptr;
  return read_sequence_number(root, message.sequence_number, outcome) &&
         read_object(root, "mark", mark, outcome) &&
         read_string(*mark, "mark.name", true, message.name, outcome);
}

bool parse_dtmf(const Json& root, DtmfMessage& message, ParseOutcome& outcome) {
  const Json* dtmf = nullptr;
  message.track = "inbound_track";  // only the caller can press keys
  return read_sequence_number(root, message.sequence_number, outcome) &&
         read_object(root, "dtmf", dtmf, outcome) &&
         read_string(*dtmf, "dtmf.track", false, message.track, outcome) &&
         read_string(*dtmf, "dtmf.digit", true, message.digit, outcome);
}

// The SIDs in `stop` only repeat what `start` said, so a bare stop still ends the stream.
bool parse_stop(const Json& root, StopMessage& message, ParseOutcome& outcome) {
  if (!read_sequence_number(root, message.sequence_number, outcome)) return false;
  const Json* stop = find_member(root, "stop");
  if (stop == nullptr) return true;
  if (!stop->is_object()) return fail(outcome, FrameProblem::missing_field, "stop: expected an object");
  return read_string(*stop, "stop.accountSid", false, message.account_sid, outcome) &&
         read_string(*stop, "stop.callSid", false, message.call_sid, outcome);
}

template <typename Message>
void parse_event(const Json& root, bool (*parser)(const Json&, Message&, ParseOutcome&),
                 ParseOutcome& outcome) {
  Message message;
  if (parser(root, message, outcome)) outcome.message = InboundMessage{std::move(message)};
}

void dispatch_event(const Json& root, std::string_view event, ParseOutcome& outcome) {
  if (event == "media") return parse_event(root, parse_media, outcome);  // the common case first
  if (event == "mark") return parse_event(root, parse_mark, outcome);
  if (event == "start") return parse_event(root, parse_start, outcome);
  if (event == "connected") return parse_event(root, parse_connected, outcome);
  if (event == "dtmf") return parse_event(root, parse_dtmf, outcome);
  if (event == "stop") return parse_event(root, parse_stop, outcome);
  fail(outcome, FrameProblem::unknown_event, "event: unknown " + quote_for_detail(event));
}

// ---------------------------------------------------------------------------------------
// Hand-written JSON for the outbound hot path.

bool needs_escaping(unsigned char byte) { return byte < 0x20 || byte == '"' || byte == '\\' || byte >= 0x80; }

void append_control_escape(unsigned char byte, std::string& output) {
  constexpr std::string_view kHexDigits = "0123456789abcdef";
  output += "\\u00";
  output += kHexDigits[byte >> 4];
  output += kHexDigits[byte & 0x0F];
}

// Appends `text` as the inside of a JSON string. Bytes that are not valid UTF-8 become
// U+FFFD: the result must stay a valid JSON text whatever the caller passed.
void append_json_string_contents(std::string_view text, std::string& output) {
  std::size_t index = 0;
  while (index < text.size()) {
    // Copy the longest run that needs nothing (all of a SID, typically) in one append.
    std::size_t run_end = index;
    while (run_end < text.size() && !needs_escaping(static_cast<unsigned char>(text[run_end]))) ++run_end;
    output.append(text.substr(index, run_end - index));
    index = run_end;
    if (index == text.size()) break;

    const auto byte = static_cast<unsigned char>(text[index]);
    if (byte == '"' || byte == '\\') {
      output += '\\';
      output += text[index];
      ++index;
    } else if (byte < 0x20) {
      append_control_escape(byte, output);
      ++index;
    } else if (const std::size_t length = detail::utf8_sequence_length(text, index); length != 0) {
      output.append(text.substr(index, length));
      index += length;
    } else {
      output += "\\ufffd";
      ++index;
    }
  }
}

constexpr std::string_view kStreamSidKey = "\",\"streamSid\":\"";

// Writes `{"event":"<event>","streamSid":"<sid>` — the prefix every outbound message shares.
void append_event_and_stream_sid(std::string_view event, std::string_view stream_sid,
                                 std::string& output) {
  output += "{\"event\":\"";
  output += event;
  output += kStreamSidKey;
  append_json_string_contents(stream_sid, output);
}

// The envelope's bytes besides the SID and the message's own content.
constexpr std::size_t kEnvelopeBytes = 64;

std::string dump(const Json& message) {
  // Replace, not throw, on invalid UTF-8: a test or simulator string must not abort.
  return message.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string_view to_string(FrameProblem problem) noexcept {
  switch (problem) {
    case FrameProblem::not_json: return "not_json";
    case FrameProblem::unknown_event: return "unknown_event";
    case FrameProblem::missing_field: return "missing_field";
    case FrameProblem::bad_base64: return "bad_base64";
    case FrameProblem::bad_number: return "bad_number";
  }
  return "unknown";
}

namespace {

// Frames answered by the fast path on this thread; thread-local so that counting costs no
// atomic operation on the hot path.
thread_local std::uint64_t fast_path_parse_count = 0;

}  // namespace

std::uint64_t detail::fast_path_parses() noexcept { return fast_path_parse_count; }

// `media` and `mark` frames, nearly all of the traffic, are read straight from the text
// when the scanner can vouch for them; everything else, every refusal included, goes
// through nlohmann so results and error details stay those of the one full parser.
ParseOutcome parse_inbound_message(std::string_view text) {
  if (std::optional<InboundMessage> message = detail::scan_media_or_mark(text)) {
    ++fast_path_parse_count;
    ParseOutcome outcome;
    outcome.message = std::move(*message);
    return outcome;
  }
  return detail::parse_inbound_message_slow(text);
}

ParseOutcome detail::parse_inbound_message_slow(std::string_view text) {
  ParseOutcome outcome;
  if (!nesting_within_limit(text)) {
    fail(outcome, FrameProblem::not_json,
         "nested deeper than " + std::to_string(kMaxNestingDepth) + " levels");
    return outcome;
  }
  const Json root = Json::parse(text, nullptr, false);
  if (root.is_discarded()) {
    fail(outcome, FrameProblem::not_json, "not valid JSON");
    return outcome;
  }
  if (!root.is_object()) {
    fail(outcome, FrameProblem::not_json, std::string("expected a JSON object, got ") + root.type_name());
    return outcome;
  }
  const Json* event = find_member(root, "event");
  if (event == nullptr || !event->is_string()) {
    fail(outcome, FrameProblem::unknown_event, event == nullptr ? "event: missing" : "event: expected a string");
    return outcome;
  }
  dispatch_event(root, event->get_ref<const std::string&>(), outcome);
  return outcome;
}

void serialize_media(std::string_view stream_sid, std::span<const std::uint8_t> mulaw_audio,
                     std::string& output) {
  output.clear();
  output.reserve(kEnvelopeBytes + stream_sid.size() + (mulaw_audio.size() + 2) / 3 * 4);
  append_event_and_stream_sid("media", stream_sid, output);
  output += "\",\"media\":{\"payload\":\"";
  audio::base64_encode_append(mulaw_audio, output);
  output += "\"}}";
}

void serialize_mark(std::string_view stream_sid, std::string_view name, std::string& output) {
  output.clear();
  output.reserve(kEnvelopeBytes + stream_sid.size() + name.size());
  append_event_and_stream_sid("mark", stream_sid, output);
  output += "\",\"mark\":{\"name\":\"";
  append_json_string_contents(name, output);
  output += "\"}}";
}

void serialize_clear(std::string_view stream_sid, std::string& output) {
  output.clear();
  output.reserve(kEnvelopeBytes + stream_sid.size());
  append_event_and_stream_sid("clear", stream_sid, output);
  output += "\"}";
}

std::string serialize_connected() {
  Json message;
  message["event"] = "connected";
  message["protocol"] = "Call";
  message["version"] = "1.0.0";
  return dump(message);
}

// A default StartMessage produces the media format Twilio always announces.
std::string serialize_start(const StartMessage& start) {
  Json custom_parameters = Json::object();
  for (const auto& [name, value] : start.custom_parameters) custom_parameters[name] = value;

  Json media_format;
  media_format["encoding"] = start.encoding.empty() ? std::string("audio/x-mulaw") : start.encoding;
  media_format["sampleRate"] = start.sample_rate_hz == 0 ? 8000U : start.sample_rate_hz;
  media_format["channels"] = start.channels == 0 ? 1U : start.channels;

  Json body;
  body["accountSid"] = start.account_sid;
  body["streamSid"] = start.stream_sid;
  body["callSid"] = start.call_sid;
  body["tracks"] = start.tracks;
  body["customParameters"] = std::move(custom_parameters);
  body["mediaFormat"] = std::move(media_format);

  Json message;
  message["event"] = "start";
  message["sequenceNumber"] = std::to_string(start.sequence_number);
  message["start"] = std::move(body);
  message["streamSid"] = start.stream_sid;
  return dump(message);
}

// Written directly, like the host's own messages: the simulator and the benchmark send
// 50 of these a second per call, and building a JSON document for each cost the bench
// more than the host spent reading it. Same bytes as Twilio's sample (key order included).
std::string serialize_inbound_media(std::string_view stream_sid, const MediaMessage& media) {
  std::string output;
  output.reserve(kEnvelopeBytes * 2 + stream_sid.size() + (media.payload.size() + 2) / 3 * 4);
  output += "{\"event\":\"media\",\"sequenceNumber\":\"";
  output += std::to_string(media.sequence_number);
  output += "\",\"media\":{\"track\":\"";
  append_json_string_contents(media.track.empty() ? std::string_view("inbound") : std::string_view(media.track),
                              output);
  output += "\",\"chunk\":\"";
  output += std::to_string(media.chunk);
  output += "\",\"timestamp\":\"";
  output += std::to_string(media.timestamp_ms);
  output += "\",\"payload\":\"";
  audio::base64_encode_append(media.payload, output);
  output += "\"},\"streamSid\":\"";
  append_json_string_contents(stream_sid, output);
  output += "\"}";
  return output;
}

std::string serialize_inbound_mark(std::string_view stream_sid, std::uint64_t sequence_number,
                                   std::string_view name) {
  Json message;
  message["event"] = "mark";
  message["sequenceNumber"] = std::to_string(sequence_number);
  message["streamSid"] = stream_sid;
  message["mark"]["name"] = name;
  return dump(message);
}

std::string serialize_dtmf(std::string_view stream_sid, std::uint64_t sequence_number,
                           std::string_view digit) {
  Json message;
  message["event"] = "dtmf";
  message["streamSid"] = stream_sid;
  message["sequenceNumber"] = std::to_string(sequence_number);
  message["dtmf"]["track"] = "inbound_track";
  message["dtmf"]["digit"] = digit;
  return dump(message);
}

std::string serialize_stop(std::string_view stream_sid, const StopMessage& stop) {
  Json message;
  message["event"] = "stop";
  message["sequenceNumber"] = std::to_string(stop.sequence_number);
  message["stop"]["accountSid"] = stop.account_sid;
  message["stop"]["callSid"] = stop.call_sid;
  message["streamSid"] = stream_sid;
  return dump(message);
}

}  // namespace callagent::twilio
