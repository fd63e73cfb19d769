// The TwiML documents the host answers Twilio with. Every text and attribute is
// XML-escaped, so a caller-controlled value can never change the document's shape.
//
// Threading: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callagent::twilio {

// <Response><Connect><Stream url="…"><Parameter name="…" value="…"/>…</Stream></Connect></Response>
// `stream_url` is wss://…; it must not carry a query string (Twilio drops it), so the
// values the stream needs travel as <Parameter>s.
std::string connect_stream_twiml(std::string_view stream_url,
                                 const std::vector<std::pair<std::string, std::string>>& parameters);

// <Response><Say language="…">message</Say><Hangup/></Response>: the polite answer when
// the host is busy or cannot take the call, instead of an HTTP error the caller would
// hear as Twilio's "an application error has occurred".
std::string say_and_hangup_twiml(std::string_view message, std::string_view language);

// <Response><Dial callerId="…">number</Dial></Response> (callerId omitted when empty):
// for transferring a call in progress through the REST API.
std::string dial_twiml(std::string_view number, std::string_view caller_id);

// <Response><Play digits="…"/><Connect><Stream …/></Connect></Response>: sends DTMF
// tones on a call in progress. Updating a call's TwiML ends its current stream, so the
// document reconnects a new stream to the same conversation after the tones.
// `digits`: 0-9, *, #, w (half-second pause).
std::string play_digits_then_connect_stream_twiml(
    std::string_view digits, std::string_view stream_url,
    const std::vector<std::pair<std::string, std::string>>& parameters);

// Escapes & < > " ' for text and attribute values.
std::string xml_escape(std::string_view text);

}  // namespace callagent::twilio
