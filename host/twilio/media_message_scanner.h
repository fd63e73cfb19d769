// Internal to the Media Streams parser (media_stream_messages.cpp) and its tests: the fast
// path for the two frames that arrive many times a second, `media` (50 per second per
// call) and `mark`, plus the pieces both paths must share so they cannot disagree.
//
// The fast path reads the fields straight out of the frame's text, without building a
// JSON DOM. It vouches only for what it fully understands: text that is valid JSON made
// of objects and strings alone, without any escape, duplicate key or excess nesting, and
// that is a complete, valid `media` or `mark` message. For everything else it declines
// and the nlohmann-based parse decides, so results and error details never depend on
// which path ran.
//
// Threading: pure functions (the fast-path counter is per thread).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

#include "host/twilio/media_stream_messages.h"

namespace callagent::twilio::detail {

// Twilio nests three levels at most (start.mediaFormat). nlohmann copies and dumps nested
// values recursively (its failed-parse path included), so a frame of a few kilobytes of
// '[' would overflow a worker thread's stack; such frames are refused before parsing.
// The fast path declines anything deeper, so only the slow path reports it.
inline constexpr std::size_t kMaxNestingDepth = 16;

// A counter Twilio sends as a decimal string ("424"): the whole text must be the number,
// in range for `Integer` (no sign for unsigned types, no spaces, no '+'). Both paths use
// this one function, so they accept exactly the same strings.
template <typename Integer>
bool parse_decimal(std::string_view text, Integer& value) noexcept {
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  return error == std::errc{} && stop == end;
}

// Length of the well-formed UTF-8 sequence starting at the non-ASCII byte at `index`,
// or 0 when it is malformed (stray continuation, overlong form, surrogate, above
// U+10FFFF, truncated). The ranges are those of Unicode's table of well-formed byte
// sequences, which are also exactly what nlohmann's lexer accepts inside strings.
std::size_t utf8_sequence_length(std::string_view text, std::size_t index) noexcept;

// The fast path: the parsed message when `text` is a valid `media` or `mark` frame the
// scanner can vouch for, std::nullopt otherwise (the slow path then decides). Whenever it
// returns a message, the slow path would have returned the same message.
std::optional<InboundMessage> scan_media_or_mark(std::string_view text);

// The nlohmann-based parse, for any frame (defined in media_stream_messages.cpp).
// parse_inbound_message() falls back to it; tests compare the two paths through it.
ParseOutcome parse_inbound_message_slow(std::string_view text);

// How many frames parse_inbound_message() has answered from the fast path on the calling
// thread, so a test notices if the fast path silently stops engaging.
std::uint64_t fast_path_parses() noexcept;

}  // namespace callagent::twilio::detail
