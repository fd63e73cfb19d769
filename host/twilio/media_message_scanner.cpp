#include "host/twilio/media_message_scanner.h"

#include <utility>

#include "host/audio/base64.h"

namespace callagent::twilio::detail {
namespace {

// A string member the message needs, as a view into the frame's text.
struct Field {
  std::string_view text;
  bool present = false;
};

// Every member the fast path reads, wherever it sits. `media` and `mark` are collected
// whatever the event says, because the event may come after them in the frame.
struct Fields {
  Field event;
  Field sequence_number;
  bool media_present = false;
  Field track;
  Field chunk;
  Field timestamp;
  Field payload;
  bool mark_present = false;
  Field name;
};

// A strict, non-allocating reader over the subset of JSON the fast path vouches for:
// objects and strings without escapes. Every reading function returns false at the first
// byte outside that subset, valid JSON or not; the caller then declines the frame.
class Reader {
 public:
  explicit Reader(std::string_view text) noexcept : text_(text) {}

  // The four whitespace bytes of RFC 8259 (and of nlohmann's lexer), nothing else.
  void skip_whitespace() noexcept {
    while (position_ < text_.size()) {
      const char character = text_[position_];
      if (character != ' ' && character != '\t' && character != '\n' && character != '\r') return;
      ++position_;
    }
  }

  bool at_end() const noexcept { return position_ == text_.size(); }

  bool consume(char expected) noexcept {
    if (position_ == text_.size() || text_[position_] != expected) return false;
    ++position_;
    return true;
  }

  // A string without escapes; `contents` is then its exact (and decoded) value. A
  // backslash is declined rather than decoded: an escape is rare enough on this path
  // that the slow path may take it, and a key read raw then never hides an escaped one.
  bool read_string(std::string_view& contents) noexcept {
    if (!consume('"')) return false;
    const std::size_t begin = position_;
    while (position_ < text_.size()) {
      const auto byte = static_cast<unsigned char>(text_[position_]);
      if (byte == '"') {
        contents = text_.substr(begin, position_ - begin);
        ++position_;
        return true;
      }
      if (byte < 0x20 || byte == '\\') return false;  // control bytes are invalid JSON
      if (byte < 0x80) {
        ++position_;
        continue;
      }
      // nlohmann refuses ill-formed UTF-8, so the fast path must too.
      const std::size_t length = utf8_sequence_length(text_, position_);
      if (length == 0) return false;
      position_ += length;
    }
    return false;  // unterminated
  }

  // An object at nesting `depth` (the frame itself is 1). For each member, `on_member`
  // is called with the key and must read the value; it returns false to decline.
  template <typename OnMember>
  bool read_object(std::size_t depth, OnMember&& on_member) {
    if (depth > kMaxNestingDepth || !consume('{')) return false;
    skip_whitespace();
    if (consume('}')) return true;
    do {
      skip_whitespace();
      std::string_view key;
      if (!read_string(key)) return false;
      skip_whitespace();
      if (!consume(':')) return false;
      skip_whitespace();
      if (!on_member(key)) return false;
      skip_whitespace();
    } while (consume(','));
    return consume('}');
  }

  // A member the message does not use: validated and skipped. Numbers, arrays, true,
  // false and null are declined: a frame with them is rare and the slow path knows them.
  bool skip_value(std::size_t depth) {
    std::string_view ignored;
    if (position_ < text_.size() && text_[position_] == '"') return read_string(ignored);
    return read_object(depth, [this, depth](std::string_view) { return skip_value(depth + 1); });
  }

  // A needed string member; a second occurrence is declined, since which of the two
  // counts is the slow path's business.
  bool read_field(Field& field) noexcept {
    if (field.present) return false;
    field.present = true;
    return read_string(field.text);
  }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
};

// The value of a top-level "media" key: an object whose unused members are skipped.
bool read_media_object(Reader& reader, Fields& fields) {
  if (std::exchange(fields.media_present, true)) return false;  // duplicate key
  return reader.read_object(2, [&reader, &fields](std::string_view key) {
    if (key == "track") return reader.read_field(fields.track);
    if (key == "chunk") return reader.read_field(fields.chunk);
    if (key == "timestamp") return reader.read_field(fields.timestamp);
    if (key == "payload") return reader.read_field(fields.payload);
    return reader.skip_value(3);
  });
}

bool read_mark_object(Reader& reader, Fields& fields) {
  if (std::exchange(fields.mark_present, true)) return false;  // duplicate key
  return reader.read_object(2, [&reader, &fields](std::string_view key) {
    if (key == "name") return reader.read_field(fields.name);
    return reader.skip_value(3);
  });
}

// Reads the whole frame: one object, then nothing but whitespace. Declines a UTF-8 byte
// order mark too (nlohmann skips one); no sender puts it in a WebSocket text frame.
bool read_frame(std::string_view text, Fields& fields) {
  Reader reader(text);
  reader.skip_whitespace();
  const bool read = reader.read_object(1, [&reader, &fields](std::string_view key) {
    if (key == "event") return reader.read_field(fields.event);
    if (key == "sequenceNumber") return reader.read_field(fields.sequence_number);
    if (key == "media") return read_media_object(reader, fields);
    if (key == "mark") return read_mark_object(reader, fields);
    return reader.skip_value(2);
  });
  reader.skip_whitespace();
  return read && reader.at_end();
}

// An absent sequenceNumber keeps its default, as in the slow path.
bool read_sequence_number(const Fields& fields, std::uint64_t& sequence_number) {
  return !fields.sequence_number.present || parse_decimal(fields.sequence_number.text, sequence_number);
}

// Only a complete, valid message is built; any problem is left to the slow path, which
// owns the wording of every error detail.
std::optional<InboundMessage> build_media(const Fields& fields) {
  if (!fields.media_present || !fields.chunk.present || !fields.timestamp.present ||
      !fields.payload.present) {
    return std::nullopt;
  }
  MediaMessage message;
  std::size_t error_offset = 0;
  if (!read_sequence_number(fields, message.sequence_number) ||
      !parse_decimal(fields.chunk.text, message.chunk) ||
      !parse_decimal(fields.timestamp.text, message.timestamp_ms) ||
      !audio::base64_decode(fields.payload.text, message.payload, error_offset)) {
    return std::nullopt;
  }
  // A <Connect> stream only carries the caller's audio.
  message.track = fields.track.present ? fields.track.text : std::string_view("inbound");
  return InboundMessage{std::move(message)};
}

std::optional<InboundMessage> build_mark(const Fields& fields) {
  if (!fields.mark_present || !fields.name.present) return std::nullopt;
  MarkMessage message;
  if (!read_sequence_number(fields, message.sequence_number)) return std::nullopt;
  message.name = fields.name.text;
  return InboundMessage{std::move(message)};
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t index) noexcept {
  const auto lead = static_cast<unsigned char>(text[index]);
  std::size_t length = 0;
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;   // overlong below U+0800
    if (lead == 0xED) second_high = 0x9F;  // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;   // overlong below U+10000
    if (lead == 0xF4) second_high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (index + length > text.size()) return 0;
  for (std::size_t offset = 1; offset < length; ++offset) {
    const auto byte = static_cast<unsigned char>(text[index + offset]);
    const unsigned char low = offset == 1 ? second_low : 0x80;
    const unsigned char high = offset == 1 ? second_high : 0xBF;
    if (byte < low || byte > high) return 0;
  }
  return length;
}

std::optional<InboundMessage> scan_media_or_mark(std::string_view text) {
  Fields fields;
  if (!read_frame(text, fields) || !fields.event.present) return std::nullopt;
  if (fields.event.text == "media") return build_media(fields);
  if (fields.event.text == "mark") return build_mark(fields);
  return std::nullopt;  // the other events are rare: the slow path parses them
}

}  // namespace callagent::twilio::detail
