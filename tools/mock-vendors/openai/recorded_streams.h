// Real chat-completions SSE streams recorded from the live API (protocols.md §4.3), for
// the fake's "replay" mode and for parser tests. Each is the whole response body.
#pragma once

#include <string_view>

namespace callagent::mock::openai_recorded {

extern const std::string_view kTextMaxTokens;      // §4.3 (a), byte-exact
extern const std::string_view kTextStop;           // §4.3 (b), head and tail
extern const std::string_view kToolCall;           // §4.3 (c), byte-exact
extern const std::string_view kParallelToolCalls;  // §4.3 (d), excerpt completed

}  // namespace callagent::mock::openai_recorded
