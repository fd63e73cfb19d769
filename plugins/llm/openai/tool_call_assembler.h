// Assembles streamed tool-call fragments into whole calls. The first fragment of a call
// carries its index, id and name; later ones carry only the index and a piece of the
// arguments, which concatenate in arrival order (protocols.md §4.3).
//
// Threading: none; one instance per response.
#pragma once

#include <map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "callagent/plugin_api/llm.h"

namespace callagent::plugins::openai {

class ToolCallAssembler {
 public:
  // One element of a delta's "tool_calls" array. vendor_error when it is not shaped
  // like one (no integer index, non-string id/name/arguments).
  Status add_fragment(const nlohmann::json& fragment);

  bool empty() const noexcept { return calls_.empty(); }
  // The calls in index order. vendor_error when one never got its name.
  Result<std::vector<ToolCall>> finish() const;

 private:
  std::map<long long, ToolCall> calls_;  // by the stream's index
};

}  // namespace callagent::plugins::openai
