#include "host/audio/base64.h"

#include <array>

namespace callagent::audio {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kPadding = '=';

// Sextet value per byte; kInvalid marks everything outside the alphabet, '=' included,
// so the hot loop needs one lookup and one test per character.
constexpr std::uint8_t kInvalid = 0xFF;

constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> table{};
  table.fill(kInvalid);
  for (std::size_t value = 0; value < kAlphabet.size(); ++value) {
    table[static_cast<unsigned char>(kAlphabet[value])] = static_cast<std::uint8_t>(value);
  }
  return table;
}

constexpr std::array<std::uint8_t, 256> kDecodeTable = make_decode_table();

constexpr std::uint8_t sextet(char character) {
  return kDecodeTable[static_cast<unsigned char>(character)];
}

// Writes the four characters of a 24-bit group; for a short final group the caller
// overwrites the characters past the input with padding.
void encode_group(std::uint32_t group, char* destination) {
  destination[0] = kAlphabet[(group >> 18) & 0x3F];
  destination[1] = kAlphabet[(group >> 12) & 0x3F];
  destination[2] = kAlphabet[(group >> 6) & 0x3F];
  destination[3] = kAlphabet[group & 0x3F];
}

// Index of the first of the four characters at `base` that is outside the alphabet.
std::size_t first_invalid_in_quad(std::string_view text, std::size_t base) {
  for (std::size_t index = base; index < base + 4; ++index) {
    if (sextet(text[index]) == kInvalid) return index;
  }
  return base + 4;  // not reached: only called when one of the four is invalid
}

// Decodes one full quad without padding; false (and the offset) on a bad character.
bool decode_full_quad(std::string_view text, std::size_t base, std::uint8_t* destination,
                      std::size_t& error_offset) {
  const std::uint8_t first = sextet(text[base]);
  const std::uint8_t second = sextet(text[base + 1]);
  const std::uint8_t third = sextet(text[base + 2]);
  const std::uint8_t fourth = sextet(text[base + 3]);
  // kInvalid is the only value with the top bits set, so one OR tests all four.
  if (((first | second | third | fourth) & 0xC0) != 0) {
    error_offset = first_invalid_in_quad(text, base);
    return false;
  }
  const std::uint32_t group = (std::uint32_t{first} << 18) | (std::uint32_t{second} << 12) |
                              (std::uint32_t{third} << 6) | std::uint32_t{fourth};
  destination[0] = static_cast<std::uint8_t>(group >> 16);
  destination[1] = static_cast<std::uint8_t>(group >> 8);
  destination[2] = static_cast<std::uint8_t>(group);
  return true;
}

// How many '=' end the text (0, 1 or 2 are legal). Padding is only allowed as the last
// one or two characters, so anything more is reported at its first '='.
std::size_t count_trailing_padding(std::string_view text) {
  std::size_t count = 0;
  while (count < text.size() && text[text.size() - 1 - count] == kPadding) ++count;
  return count;
}

}  // namespace

void base64_encode_append(std::span<const std::uint8_t> data, std::string& output) {
  const std::size_t full_groups = data.size() / 3;
  const std::size_t remainder_bytes = data.size() % 3;
  const std::size_t encoded_chars = (full_groups + (remainder_bytes != 0 ? 1 : 0)) * 4;

  // One growth of the caller's buffer, then direct writes: no per-character push_back.
  const std::size_t start = output.size();
  output.resize(start + encoded_chars);
  char* destination = output.data() + start;

  const std::uint8_t* source = data.data();
  for (std::size_t group_index = 0; group_index < full_groups; ++group_index) {
    const std::uint32_t group = (std::uint32_t{source[0]} << 16) |
                                (std::uint32_t{source[1]} << 8) | std::uint32_t{source[2]};
    encode_group(group, destination);
    source += 3;
    destination += 4;
  }

  if (remainder_bytes == 0) return;
  std::uint32_t group = std::uint32_t{source[0]} << 16;
  if (remainder_bytes == 2) group |= std::uint32_t{source[1]} << 8;
  encode_group(group, destination);
  destination[3] = kPadding;
  if (remainder_bytes == 1) destination[2] = kPadding;
}

bool base64_decode(std::string_view text, std::vector<std::uint8_t>& output,
                   std::size_t& error_offset) {
  output.clear();
  if (text.size() % 4 != 0) {
    error_offset = text.size();
    return false;
  }
  if (text.empty()) return true;

  const std::size_t padding = count_trailing_padding(text);
  if (padding > 2) {
    error_offset = text.size() - padding;
    return false;
  }

  // Every quad but the last is decoded blind; the last one carries the padding. Non-zero
  // bits under the padding are accepted (RFC 4648 §3.5 leaves that to the decoder) since
  // they change no decoded byte.
  const std::size_t quad_count = text.size() / 4;
  output.resize(quad_count * 3);
  std::uint8_t* destination = output.data();
  for (std::size_t quad = 0; quad + 1 < quad_count; ++quad) {
    if (!decode_full_quad(text, quad * 4, destination, error_offset)) {
      output.clear();
      return false;
    }
    destination += 3;
  }

  const std::size_t last_base = text.size() - 4;
  if (padding == 0) {
    if (!decode_full_quad(text, last_base, destination, error_offset)) {
      output.clear();
      return false;
    }
    return true;
  }

  // The last quad with padding: 2 or 3 data characters before the '='.
  const std::size_t data_chars = 4 - padding;
  std::uint32_t group = 0;
  for (std::size_t index = 0; index < data_chars; ++index) {
    const std::uint8_t value = sextet(text[last_base + index]);
    if (value == kInvalid) {
      error_offset = last_base + index;
      output.clear();
      return false;
    }
    group |= std::uint32_t{value} << (18 - 6 * index);
  }
  destination[0] = static_cast<std::uint8_t>(group >> 16);
  if (padding == 1) destination[1] = static_cast<std::uint8_t>(group >> 8);
  output.resize(output.size() - padding);
  return true;
}

}  // namespace callagent::audio
