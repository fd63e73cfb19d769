#include "host/pipeline/phrase_matcher.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace callagent::pipeline {
namespace {

using Words = std::vector<std::string>;

// Non-ASCII punctuation that STT and LLM output commonly contains, with what it stands
// for in a word list: a typographic apostrophe keeps "that’s" one word, a dash splits
// words like a hyphen does, and everything else listed is dropped.
struct Replacement {
  std::string_view utf8;
  char replacement;  // '\0': drop
};
constexpr std::array<Replacement, 8> kUnicodePunctuation = {{
    {"\xE2\x80\x99", '\''},  // ’
    {"\xE2\x80\x98", '\''},  // ‘
    {"\xE2\x80\x93", ' '},   // – en dash
    {"\xE2\x80\x94", ' '},   // — em dash
    {"\xE2\x80\xA6", '\0'},  // …
    {"\xE2\x80\x9C", '\0'},  // “
    {"\xE2\x80\x9D", '\0'},  // ”
    {"\xC2\xA0", ' '},       // no-break space
}};

bool is_word_character(char character) {
  const auto byte = static_cast<unsigned char>(character);
  // Other non-ASCII bytes are letters of other scripts; keeping them whole avoids
  // cutting a code point in half.
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
         (character >= '0' && character <= '9') || character == '\'' || byte >= 0x80;
}

bool is_separator(char character) {
  return character == ' ' || character == '\t' || character == '\n' || character == '\r' ||
         character == '\f' || character == '\v' || character == '-';
}

char to_lower_ascii(char character) {
  return (character >= 'A' && character <= 'Z') ? static_cast<char>(character - 'A' + 'a')
                                                : character;
}

// Maps the known non-ASCII punctuation to ASCII so the word scan only deals with ASCII
// rules.
std::string replace_unicode_punctuation(std::string_view text) {
  std::string ascii;
  ascii.reserve(text.size());
  std::size_t position = 0;
  while (position < text.size()) {
    const auto match = std::find_if(
        kUnicodePunctuation.begin(), kUnicodePunctuation.end(),
        [&](const Replacement& entry) { return text.substr(position).starts_with(entry.utf8); });
    if (match == kUnicodePunctuation.end()) {
      ascii.push_back(text[position]);
      ++position;
      continue;
    }
    if (match->replacement != '\0') ascii.push_back(match->replacement);
    position += match->utf8.size();
  }
  return ascii;
}

// Apostrophes belong inside words ("that's") but are quotes at their edges ("'yes'").
std::string trim_apostrophes(std::string word) {
  const auto first = word.find_first_not_of('\'');
  if (first == std::string::npos) return {};
  const auto last = word.find_last_not_of('\'');
  return word.substr(first, last - first + 1);
}

Words split_words(std::string_view text) {
  Words words;
  std::string current;
  auto finish_word = [&] {
    std::string word = trim_apostrophes(std::move(current));
    current.clear();
    if (!word.empty()) words.push_back(std::move(word));
  };
  for (const char character : replace_unicode_punctuation(text)) {
    if (is_separator(character)) {
      finish_word();
    } else if (is_word_character(character)) {
      current.push_back(to_lower_ascii(character));
    }
    // Any other punctuation is dropped where it stands: "e.g." reads as "eg".
  }
  finish_word();
  return words;
}

bool phrase_at(const Words& words, std::size_t start, const Words& phrase) {
  return start + phrase.size() <= words.size() &&
         std::equal(phrase.begin(), phrase.end(),
                    words.begin() + static_cast<std::ptrdiff_t>(start));
}

}  // namespace

std::string normalize_words(std::string_view text) {
  std::string normalized;
  for (const std::string& word : split_words(text)) {
    if (!normalized.empty()) normalized.push_back(' ');
    normalized += word;
  }
  return normalized;
}

PhraseMatcher::PhraseMatcher(std::vector<std::string> phrases) {
  for (const std::string& phrase : phrases) {
    Words words = split_words(phrase);
    // A phrase of only punctuation would match everywhere; it is meaningless.
    if (!words.empty()) phrases_.push_back(std::move(words));
  }
}

bool PhraseMatcher::contains_phrase(std::string_view text) const {
  const Words words = split_words(text);
  return std::any_of(phrases_.begin(), phrases_.end(), [&](const Words& phrase) {
    return std::search(words.begin(), words.end(), phrase.begin(), phrase.end()) != words.end();
  });
}

bool PhraseMatcher::consists_only_of_phrases(std::string_view text) const {
  const Words words = split_words(text);
  if (words.empty()) return false;
  // Dynamic programming over word positions: greedy matching would fail on phrases that
  // overlap ("all right" vs "all", "right").
  std::vector<bool> reachable(words.size() + 1, false);
  reachable[0] = true;
  for (std::size_t start = 0; start < words.size(); ++start) {
    if (!reachable[start]) continue;
    for (const Words& phrase : phrases_) {
      if (phrase_at(words, start, phrase)) reachable[start + phrase.size()] = true;
    }
  }
  return reachable[words.size()];
}

const std::vector<std::string>& default_backchannel_phrases() {
  static const std::vector<std::string> phrases = {
      "mm-hm",  "uh-huh", "okay", "ok",  "yeah",    "yes",       "yep", "right", "sure",
      "got it", "i see",  "mhm",  "hmm", "alright", "all right", "uh",  "um"};
  return phrases;
}

}  // namespace callagent::pipeline
