// How a reply is cut into streamed pieces, the way a language model streams tokens.
//
// Threading: pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace callagent::plugins::scripted {

// One delta per word, each carrying the space that follows it, so the deltas concatenate
// to the reply with single spaces: "Sure. Which day?" -> {"Sure. ", "Which ", "day?"}.
// Whitespace runs count as one space; an empty or blank reply gives no deltas (the API
// never sends an empty delta).
std::vector<std::string> word_deltas(std::string_view reply);

}  // namespace callagent::plugins::scripted
