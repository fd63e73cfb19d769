// Cuts the LLM's streamed text into pieces worth sending to TTS at once: the first
// clause as soon as it is complete (so the caller hears the agent quickly), then whole
// sentences. Never cuts inside a number ("3.5"), an abbreviation ("Dr.", "e.g."), or
// before a piece is long enough to sound natural.
//
// Threading: single-threaded (the call's strand). Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace callagent::pipeline {

class SentenceSplitter {
 public:
  // `first_piece_min_chars`: the first piece may end at a clause boundary (, ; :) once it
  // has at least this many characters; later pieces end only at sentence boundaries
  // (. ! ? and newlines) and have at least `min_chars`.
  explicit SentenceSplitter(std::size_t first_piece_min_chars = 20, std::size_t min_chars = 8);

  // Adds streamed text; returns the pieces completed by it (possibly none), each trimmed.
  std::vector<std::string> add(std::string_view delta);
  // The rest, at the end of the response (may be empty). The next add() starts a new
  // response, whose first piece may again end early at a clause.
  std::string flush();
  // Forget everything (barge-in).
  void reset();

 private:
  std::size_t first_piece_min_chars_;
  std::size_t min_chars_;
  std::string pending_;
  bool first_piece_emitted_ = false;
};

}  // namespace callagent::pipeline
