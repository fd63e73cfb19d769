#include "word_deltas.h"

#include <algorithm>

namespace callagent::plugins::scripted {

std::vector<std::string> word_deltas(std::string_view reply) {
  constexpr std::string_view kWhitespace = " \t\r\n";
  std::vector<std::string> deltas;
  std::size_t word_start = reply.find_first_not_of(kWhitespace);
  while (word_start != std::string_view::npos) {
    const std::size_t word_end = std::min(reply.find_first_of(kWhitespace, word_start), reply.size());
    const std::size_t next_start = reply.find_first_not_of(kWhitespace, word_end);
    std::string delta(reply.substr(word_start, word_end - word_start));
    if (next_start != std::string_view::npos) delta.push_back(' ');
    deltas.push_back(std::move(delta));
    word_start = next_start;
  }
  return deltas;
}

}  // namespace callagent::plugins::scripted
