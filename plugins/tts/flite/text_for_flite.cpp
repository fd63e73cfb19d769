#include "text_for_flite.h"

#include <algorithm>
#include <array>

namespace callagent::plugins {
namespace {

constexpr std::string_view kSpace = " ";

// U+00C0 … U+00FF: Latin-1 letters without their diacritics, and its two arithmetic signs
// (× and ÷) in words.
constexpr std::array<std::string_view, 64> kLatin1Letters{
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",            // C0-CF
    "D", "N", "O", "O", "O", "O", "O", " times ", "O", "U", "U", "U", "U", "Y", "TH", "ss",    // D0-DF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",            // E0-EF
    "d", "n", "o", "o", "o", "o", "o", " divided by ", "o", "u", "u", "u", "u", "y", "th", "y"  // F0-FF
};

struct Decoded {
  char32_t code_point = 0;
  std::size_t length = 1;
  bool valid = false;
};

// One UTF-8 sequence at `position`. Invalid, overlong, surrogate and truncated sequences
// come back as one invalid byte, so the caller moves on by a byte and resynchronises.
Decoded decode_at(std::string_view text, std::size_t position) {
  const auto lead = static_cast<unsigned char>(text[position]);
  if (lead < 0x80) return {lead, 1, true};
  std::size_t length = 0;
  char32_t code_point = 0;
  char32_t minimum = 0;
  if (lead >= 0xC0 && lead < 0xE0) {
    length = 2, code_point = lead & 0x1FU, minimum = 0x80;
  } else if (lead >= 0xE0 && lead < 0xF0) {
    length = 3, code_point = lead & 0x0FU, minimum = 0x800;
  } else if (lead >= 0xF0 && lead < 0xF5) {
    length = 4, code_point = lead & 0x07U, minimum = 0x10000;
  } else {
    return {};
  }
  if (position + length > text.size()) return {};
  for (std::size_t index = 1; index < length; ++index) {
    const auto next = static_cast<unsigned char>(text[position + index]);
    if ((next & 0xC0U) != 0x80U) return {};
    code_point = (code_point << 6U) | (next & 0x3FU);
  }
  const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
  if (code_point < minimum || code_point > 0x10FFFF || surrogate) return {};
  return {code_point, length, true};
}

// What Flite should read for a character that is not printable ASCII.
std::string_view replacement_for(char32_t code_point) {
  if (code_point >= 0xC0 && code_point <= 0xFF) return kLatin1Letters[code_point - 0xC0];
  switch (code_point) {
    case 0x00AD:                                        // soft hyphen
    case 0x200B: case 0x200C: case 0x200D:              // zero-width space and joiners
    case 0x2060: case 0xFEFF:                           // word joiner, byte order mark
      return "";
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032:
      return "'";
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033:
    case 0x00AB: case 0x00BB:
      return "\"";
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
      return "-";
    case 0x2026:
      return "...";
    case 0x0152: return "OE";
    case 0x0153: return "oe";
    case 0x0160: return "S";
    case 0x0161: return "s";
    case 0x017D: return "Z";
    case 0x017E: return "z";
    case 0x0178: return "Y";
    default:
      // Control characters, no-break and other spaces, emoji, other scripts, symbols.
      return kSpace;
  }
}

// Clean text has no other white space: tabs and line breaks became spaces.
bool is_space(char character) { return character == ' '; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// The last cut position in 1..window.size()-1 (or at the window's end) that follows one of
// `marks` and sits before a space or the end; 0 when there is none.
std::size_t last_cut_after(std::string_view window, std::size_t max_chars, std::string_view marks) {
  for (std::size_t cut = std::min(max_chars, window.size()); cut >= 1; --cut) {
    const bool before_space_or_end = cut == window.size() || is_space(window[cut]);
    if (before_space_or_end && marks.find(window[cut - 1]) != std::string_view::npos) return cut;
  }
  return 0;
}

std::size_t last_space_cut(std::string_view window, std::size_t max_chars) {
  for (std::size_t cut = std::min(max_chars, window.size() - 1); cut >= 1; --cut) {
    if (is_space(window[cut])) return cut;
  }
  return 0;
}

}  // namespace

std::string clean_text_for_flite(std::string_view utf8_text) {
  std::string clean;
  clean.reserve(utf8_text.size());
  for (std::size_t position = 0; position < utf8_text.size();) {
    const Decoded decoded = decode_at(utf8_text, position);
    position += decoded.length;
    if (!decoded.valid) {
      clean += kSpace;
    } else if (decoded.code_point >= 0x20 && decoded.code_point < 0x7F) {
      clean += static_cast<char>(decoded.code_point);
    } else if (decoded.code_point < 0xA0) {
      clean += kSpace;  // C0 controls (tabs and line breaks too), DEL, C1 controls
    } else {
      clean += replacement_for(decoded.code_point);
    }
  }
  return clean;
}

std::vector<std::string_view> split_for_synthesis(std::string_view text, std::size_t max_chars) {
  if (max_chars == 0) max_chars = 1;
  std::vector<std::string_view> spans;
  std::string_view rest = trim(text);
  while (rest.size() > max_chars) {
    // One character more than a span may hold: a cut may fall just before it.
    const std::string_view window = rest.substr(0, max_chars + 1);
    std::size_t cut = last_cut_after(window, max_chars, ".?!");
    if (cut == 0) cut = last_cut_after(window, max_chars, ",;:");
    if (cut == 0) cut = last_space_cut(window, max_chars);
    if (cut == 0) cut = max_chars;  // one long run of letters: cut it anywhere
    const std::string_view span = trim(rest.substr(0, cut));
    if (!span.empty()) spans.push_back(span);
    rest = trim(rest.substr(cut));
  }
  if (!rest.empty()) spans.push_back(rest);
  return spans;
}

}  // namespace callagent::plugins
