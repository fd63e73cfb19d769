#include "word_timings.h"

#include <algorithm>
#include <string>

namespace callagent::plugins {
namespace {

std::vector<std::string_view> split_on_spaces(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t position = 0;
  while (position < text.size()) {
    const std::size_t start = text.find_first_not_of(' ', position);
    if (start == std::string_view::npos) break;
    const std::size_t end = std::min(text.find(' ', start), text.size());
    words.push_back(text.substr(start, end - start));
    position = end;
  }
  return words;
}

}  // namespace

std::vector<TtsWordTiming> word_timings_for_span(std::string_view span_text,
                                                 const std::vector<SpokenToken>& tokens,
                                                 std::int64_t span_offset_ms) {
  const std::vector<std::string_view> written = split_on_spaces(span_text);
  const bool use_written = written.size() == tokens.size();

  std::vector<TtsWordTiming> timings;
  timings.reserve(tokens.size());
  std::int64_t previous_end_ms = span_offset_ms;
  for (std::size_t index = 0; index < tokens.size(); ++index) {
    const SpokenToken& token = tokens[index];
    TtsWordTiming timing;
    timing.text = use_written ? std::string(written[index]) : token.text;
    if (timing.text.empty()) continue;
    if (token.spoken) {
      timing.start_ms = std::max(span_offset_ms + token.start_ms, previous_end_ms);
      timing.end_ms = std::max(span_offset_ms + token.end_ms, timing.start_ms);
    } else {
      timing.start_ms = previous_end_ms;
      timing.end_ms = previous_end_ms;
    }
    previous_end_ms = timing.end_ms;
    timings.push_back(std::move(timing));
  }
  return timings;
}

}  // namespace callagent::plugins
