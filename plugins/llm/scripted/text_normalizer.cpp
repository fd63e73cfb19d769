#include "text_normalizer.h"

#include <algorithm>

namespace callagent::plugins::scripted {
namespace {

// The right single quotation mark, which speech recognisers with punctuation emit for
// apostrophes, as UTF-8.
constexpr std::string_view kRightSingleQuote = "\xE2\x80\x99";

bool is_ascii_letter_or_digit(char character) {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
         (character >= '0' && character <= '9');
}

bool is_ascii(char character) { return static_cast<unsigned char>(character) < 0x80; }

char to_ascii_lower(char character) {
  return (character >= 'A' && character <= 'Z') ? static_cast<char>(character - 'A' + 'a') : character;
}

// Normalised text has single spaces between words, so a word starts after a space and
// ends before one.
bool starts_a_word(std::string_view text, std::size_t position) {
  return position == 0 || text[position - 1] == ' ';
}
bool ends_a_word(std::string_view text, std::size_t position) {
  return position == text.size() || text[position] == ' ';
}

}  // namespace

std::string normalize_text(std::string_view text) {
  std::string normalized;
  normalized.reserve(std::min(text.size(), kMaxMatchedTextChars));
  bool pending_space = false;
  for (std::size_t index = 0; index < text.size(); ++index) {
    const char character = text[index];
    if (character == '\'') continue;
    if (text.substr(index).starts_with(kRightSingleQuote)) {
      index += kRightSingleQuote.size() - 1;
      continue;
    }
    if (is_ascii(character) && !is_ascii_letter_or_digit(character)) {
      pending_space = !normalized.empty();
      continue;
    }
    if (pending_space) {
      if (normalized.size() + 1 >= kMaxMatchedTextChars) break;
      normalized.push_back(' ');
      pending_space = false;
    }
    normalized.push_back(to_ascii_lower(character));
    if (normalized.size() >= kMaxMatchedTextChars) {
      // Cut at the last whole word rather than in the middle of one.
      const std::size_t last_space = normalized.rfind(' ');
      normalized.resize(last_space == std::string::npos ? kMaxMatchedTextChars : last_space);
      break;
    }
  }
  return normalized;
}

std::optional<std::size_t> find_phrase(std::string_view text, std::string_view phrase) {
  if (phrase.empty()) return std::nullopt;
  for (std::size_t position = text.find(phrase); position != std::string_view::npos;
       position = text.find(phrase, position + 1)) {
    if (starts_a_word(text, position) && ends_a_word(text, position + phrase.size())) {
      return position;
    }
  }
  return std::nullopt;
}

}  // namespace callagent::plugins::scripted
