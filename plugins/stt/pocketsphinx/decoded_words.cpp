#include "decoded_words.h"

#include <algorithm>
#include <cctype>

namespace callagent::plugins::pocketsphinx {

bool is_filler_word(std::string_view word) noexcept {
  if (word.empty()) return true;
  // Sphinx dictionaries mark every filler with brackets or pluses around it.
  const bool angle = word.front() == '<' && word.back() == '>';
  const bool square = word.front() == '[' && word.back() == ']';
  const bool plus = word.size() >= 2 && word.starts_with("++") && word.ends_with("++");
  return angle || square || plus;
}

std::string without_pronunciation_variant(std::string_view word) {
  // The variant is "(n)" at the very end, after the word itself.
  if (word.size() >= 4 && word.back() == ')') {
    const auto open = word.rfind('(');
    if (open != std::string_view::npos && open > 0 && open + 2 < word.size()) {
      const std::string_view digits = word.substr(open + 1, word.size() - open - 2);
      const bool all_digits = std::all_of(digits.begin(), digits.end(), [](char character) {
        return std::isdigit(static_cast<unsigned char>(character)) != 0;
      });
      if (all_digits) word = word.substr(0, open);
    }
  }
  return std::string(word);
}

}  // namespace callagent::plugins::pocketsphinx
