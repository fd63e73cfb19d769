#include "alignment_words.h"

#include <utility>

namespace callagent::plugins {
namespace {

bool is_space(const std::string& character) {
  return character.empty() || character == " " || character == "\n" || character == "\t" || character == "\r";
}

}  // namespace

std::vector<TtsWordTiming> AlignmentWords::add(const CharAlignment& alignment, std::int64_t chunk_offset_ms) {
  std::vector<TtsWordTiming> words;
  for (std::size_t i = 0; i < alignment.chars.size(); ++i) {
    const std::string& character = alignment.chars[i];
    if (is_space(character)) {
      if (open_) words.push_back(std::move(*open_));
      open_.reset();
      continue;
    }
    const std::int64_t start = chunk_offset_ms + alignment.start_ms[i];
    const std::int64_t end = start + alignment.duration_ms[i];
    if (!open_) {
      open_ = TtsWordTiming{};
      open_->start_ms = start;
    }
    open_->text += character;
    open_->end_ms = end;
  }
  return words;
}

std::vector<TtsWordTiming> AlignmentWords::finish() {
  std::vector<TtsWordTiming> words;
  if (open_) words.push_back(std::move(*open_));
  open_.reset();
  return words;
}

}  // namespace callagent::plugins
