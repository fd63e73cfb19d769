#include "host/twilio/form_params.h"

#include <algorithm>
#include <cstddef>

namespace callagent::twilio {
namespace {

// Error messages quote the parameter name, which comes from the network: keep it short
// and printable so a hostile body cannot flood or corrupt a log line.
constexpr std::size_t kMaximumQuotedNameLength = 64;

std::string printable_name_for_message(std::string_view raw_name) {
  std::string quoted;
  const std::size_t kept_length = std::min(raw_name.size(), kMaximumQuotedNameLength);
  quoted.reserve(kept_length + 3);
  for (std::size_t index = 0; index < kept_length; ++index) {
    const char character = raw_name[index];
    const bool printable_ascii = character >= 0x20 && character < 0x7F;
    quoted += printable_ascii ? character : '?';
  }
  if (raw_name.size() > kept_length) quoted += "...";
  return quoted;
}

std::optional<unsigned> hex_digit_value(char character) {
  if (character >= '0' && character <= '9') return static_cast<unsigned>(character - '0');
  if (character >= 'a' && character <= 'f') return static_cast<unsigned>(character - 'a' + 10);
  if (character >= 'A' && character <= 'F') return static_cast<unsigned>(character - 'A' + 10);
  return std::nullopt;
}

// One name or value: '+' is a space (form encoding, unlike plain URI encoding) and %XX is
// a byte. Returns nullopt on a malformed escape; the caller knows which parameter it was.
std::optional<std::string> decode_component(std::string_view encoded) {
  std::string decoded;
  decoded.reserve(encoded.size());
  for (std::size_t index = 0; index < encoded.size(); ++index) {
    const char character = encoded[index];
    if (character == '+') {
      decoded += ' ';
    } else if (character != '%') {
      decoded += character;
    } else {
      if (encoded.size() - index < 3) return std::nullopt;  // '%' needs two hex digits after it
      const auto high_nibble = hex_digit_value(encoded[index + 1]);
      const auto low_nibble = hex_digit_value(encoded[index + 2]);
      if (!high_nibble || !low_nibble) return std::nullopt;
      decoded += static_cast<char>((*high_nibble << 4U) | *low_nibble);
      index += 2;
    }
  }
  return decoded;
}

Status malformed_escape_error(std::string_view raw_name) {
  return Status(ErrorCode::invalid_argument,
                "malformed %-escape in form parameter \"" + printable_name_for_message(raw_name) +
                    "\"");
}

bool is_unreserved(char character) {
  return (character >= 'A' && character <= 'Z') || (character >= 'a' && character <= 'z') ||
         (character >= '0' && character <= '9') || character == '-' || character == '_' ||
         character == '.' || character == '~';
}

void append_encoded(std::string_view text, std::string& output) {
  static constexpr char kUpperHexDigits[] = "0123456789ABCDEF";
  for (const char character : text) {
    if (is_unreserved(character)) {
      output += character;
      continue;
    }
    const auto byte = static_cast<unsigned char>(character);
    output += '%';
    output += kUpperHexDigits[byte >> 4U];
    output += kUpperHexDigits[byte & 0x0FU];
  }
}

}  // namespace

Result<FormParams> parse_form_urlencoded(std::string_view body) {
  FormParams params;
  std::size_t segment_start = 0;
  while (segment_start <= body.size()) {
    std::size_t segment_end = body.find('&', segment_start);
    if (segment_end == std::string_view::npos) segment_end = body.size();
    const std::string_view segment = body.substr(segment_start, segment_end - segment_start);
    segment_start = segment_end + 1;
    // "a=1&&b=2" and a trailing '&' are harmless; browsers and Twilio both skip them.
    if (segment.empty()) continue;

    const std::size_t equals_position = segment.find('=');
    const std::string_view raw_name = segment.substr(0, equals_position);
    const std::string_view raw_value = equals_position == std::string_view::npos
                                           ? std::string_view{}
                                           : segment.substr(equals_position + 1);
    auto name = decode_component(raw_name);
    auto value = decode_component(raw_value);
    if (!name || !value) return malformed_escape_error(raw_name);
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

std::string encode_form_urlencoded(const FormParams& params) {
  std::string encoded;
  for (const auto& [name, value] : params) {
    if (!encoded.empty()) encoded += '&';
    append_encoded(name, encoded);
    encoded += '=';
    append_encoded(value, encoded);
  }
  return encoded;
}

std::optional<std::string_view> find_param(const FormParams& params, std::string_view name) {
  for (const auto& [parameter_name, value] : params) {
    if (parameter_name == name) return std::string_view(value);
  }
  return std::nullopt;
}

}  // namespace callagent::twilio
