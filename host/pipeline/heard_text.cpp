#include "host/pipeline/heard_text.h"

#include <algorithm>

namespace callagent::pipeline {
namespace {

constexpr std::int64_t kBytesPerMs = 8;

std::string join(const std::string& left, const std::string& right) {
  if (left.empty()) return right;
  if (right.empty()) return left;
  return left + " " + right;
}

// The first `fraction` of `text`, cut back to the end of a whole word.
std::string prefix_by_fraction(const std::string& text, double fraction) {
  if (fraction >= 1.0) return text;
  if (fraction <= 0.0) return {};
  auto cut = static_cast<std::size_t>(static_cast<double>(text.size()) * fraction);
  if (cut < text.size() && text[cut] != ' ') {
    const std::size_t space = text.rfind(' ', cut);
    cut = space == std::string::npos ? 0 : space;
  }
  std::string prefix = text.substr(0, cut);
  while (!prefix.empty() && prefix.back() == ' ') prefix.pop_back();
  return prefix;
}

std::string prefix_by_word_timings(const SpokenSegment& segment, std::int64_t heard_ms) {
  std::string prefix;
  for (const auto& word : segment.words) {
    if (word.end_ms > heard_ms) break;
    prefix = join(prefix, word.text);
  }
  return prefix;
}

}  // namespace

std::string heard_text(const std::vector<SpokenSegment>& segments, std::size_t segment_index,
                       std::size_t bytes_heard) {
  std::string heard;
  for (std::size_t index = 0; index < segments.size() && index < segment_index; ++index) {
    heard = join(heard, segments[index].text);
  }
  if (segment_index >= segments.size()) return heard;
  const SpokenSegment& current = segments[segment_index];
  if (current.audio_complete && bytes_heard >= current.audio_bytes) return join(heard, current.text);
  if (!current.words.empty()) {
    return join(heard, prefix_by_word_timings(current, static_cast<std::int64_t>(bytes_heard) / kBytesPerMs));
  }
  // Without timings, speech is spread evenly enough over a sentence for a word-level cut.
  // Audio still arriving makes the estimate generous, never past what was received.
  const std::size_t total = std::max<std::size_t>(current.audio_bytes, 1);
  return join(heard, prefix_by_fraction(current.text, static_cast<double>(bytes_heard) /
                                                          static_cast<double>(total)));
}

}  // namespace callagent::pipeline
