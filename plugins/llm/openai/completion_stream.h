// Turns the data of each SSE event of a chat-completions stream into what the listener
// needs: text pieces as they come, and at the end the assembled tool calls, the finish
// reason and the usage (protocols.md §4.3). Knows nothing about sockets or threads.
//
// Threading: none; one instance per response.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/llm.h"
#include "tool_call_assembler.h"

namespace callagent::plugins::openai {

class CompletionStream {
 public:
  // Reads one event's data. Appends any reply text to `text_out` (left empty when the
  // chunk has none). vendor_error on malformed JSON or an in-stream {"error": …}.
  Status consume(std::string_view data, std::string& text_out);

  bool done() const noexcept { return done_; }  // "[DONE]" was read
  bool finished() const noexcept { return finish_reason_.has_value(); }
  // The finish reason; stop when the stream ended without one but with [DONE].
  FinishReason finish_reason() const noexcept { return finish_reason_.value_or(FinishReason::stop); }
  const LlmUsage& usage() const noexcept { return usage_; }
  Result<std::vector<ToolCall>> tool_calls() const { return tool_calls_.finish(); }

 private:
  ToolCallAssembler tool_calls_;
  std::optional<FinishReason> finish_reason_;
  LlmUsage usage_;
  bool done_ = false;
};

// "stop", "length", … → FinishReason; "function_call" (the legacy form) counts as
// tool_calls; anything unknown as stop, so a new reason does not fail a good reply.
FinishReason parse_finish_reason(std::string_view reason) noexcept;

}  // namespace callagent::plugins::openai
