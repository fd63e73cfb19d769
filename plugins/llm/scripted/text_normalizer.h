// How caller text and script phrases are made comparable. Both sides go through
// normalize_text(), so a keyword written "That's right!" matches a transcript
// "that's right", "Thats right." or "THAT'S RIGHT".
//
// Threading: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace callagent::plugins::scripted {

// Caller text longer than this is cut before it is matched. A phone turn is a few dozen
// words; the cap bounds the work (and std::regex's recursion depth) on runaway input.
inline constexpr std::size_t kMaxMatchedTextChars = 1000;

// Lower-cases ASCII letters, deletes apostrophes (' and ’) so "that's" and "thats" agree,
// turns every other ASCII character that is neither a letter nor a digit into a space,
// collapses runs of spaces and trims. Other bytes (UTF-8 letters such as "é") are kept.
// The result holds words separated by single spaces, at most kMaxMatchedTextChars long
// (cut at a word boundary).
std::string normalize_text(std::string_view text);

// Where `phrase` first occurs in `text` as whole words, e.g. "the morning" in
// "in the morning please" but not "morn" in it. Both must be normalised; an empty
// phrase never occurs.
std::optional<std::size_t> find_phrase(std::string_view text, std::string_view phrase);

inline bool contains_phrase(std::string_view text, std::string_view phrase) {
  return find_phrase(text, phrase).has_value();
}

}  // namespace callagent::plugins::scripted
