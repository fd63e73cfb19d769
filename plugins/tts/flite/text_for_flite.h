// Text as Flite can say it, in spans short enough to synthesise one at a time.
//
// Flite reads ASCII English: it expands numbers, currency, times and abbreviations itself,
// but spells any other byte out as noise ("I’m" with a typographic apostrophe becomes "I"
// and two garbage words). LLM output is full of such characters, so they are mapped to their
// ASCII equivalents first.
//
// Threading: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace callagent::plugins {

// Returns ASCII text: control characters (C0, DEL, C1) and invalid UTF-8 become spaces;
// typographic quotes, apostrophes, dashes and ellipses become their ASCII forms; Latin
// letters with diacritics lose them ("café" → "cafe"); zero-width characters vanish; any
// other character Flite cannot say (emoji, other scripts, symbols) becomes a space.
std::string clean_text_for_flite(std::string_view utf8_text);

// Cuts clean text into spans of at most `max_chars` characters (≥ 1), trimmed, none empty,
// preferring to cut after a sentence end, then after clause punctuation, then at a space.
// Each span is synthesised on its own, so no single synthesis holds the process-wide Flite
// lock for long and a cancel takes effect between spans. The views point into `text`.
std::vector<std::string_view> split_for_synthesis(std::string_view text, std::size_t max_chars);

}  // namespace callagent::plugins
