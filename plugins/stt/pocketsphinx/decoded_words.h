// Turning the decoder's word symbols into the words a caller said.
// Threading: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace callagent::plugins::pocketsphinx {

// Sentence marks, silence and noise symbols: "<s>", "</s>", "<sil>", "[NOISE]",
// "[SPEECH]", "++UH++". They are never part of a transcript.
bool is_filler_word(std::string_view word) noexcept;

// The dictionary word without its pronunciation variant: "to(3)" → "to".
std::string without_pronunciation_variant(std::string_view word);

}  // namespace callagent::plugins::pocketsphinx
