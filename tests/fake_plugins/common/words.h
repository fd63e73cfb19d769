// Word handling shared by the fake plugins: what they stream, time and compare.
//
// Threading: pure functions, no state.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace callagent::fake_plugins {

inline bool is_blank(char character) noexcept {
  return std::isspace(static_cast<unsigned char>(character)) != 0;
}

// The words of `text`, split at whitespace; never holds an empty word.
inline std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t position = 0;
  while (position < text.size()) {
    while (position < text.size() && is_blank(text[position])) ++position;
    const std::size_t start = position;
    while (position < text.size() && !is_blank(text[position])) ++position;
    if (position > start) words.emplace_back(text.substr(start, position - start));
  }
  return words;
}

// Characters, not bytes: UTF-8 continuation bytes (10xxxxxx) do not start a character, so
// "café" is 4 long however it is encoded.
inline std::size_t count_characters(std::string_view text) noexcept {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char byte) {
    return (static_cast<unsigned char>(byte) & 0xC0U) != 0x80U;
  }));
}

inline std::string to_lower_ascii(std::string_view text) {
  std::string lowered(text);
  for (char& character : lowered) {
    character = static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
  }
  return lowered;
}

// Case-insensitive (ASCII) substring test; an empty needle never matches, so an empty
// trigger phrase disables a feature instead of firing on everything.
inline bool contains_ignoring_case(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return false;
  return to_lower_ascii(haystack).find(to_lower_ascii(needle)) != std::string::npos;
}

}  // namespace callagent::fake_plugins
