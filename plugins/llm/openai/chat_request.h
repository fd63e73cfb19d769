// The JSON body of POST {base_url}/chat/completions for one LlmRequest (protocols.md §4.1).
#pragma once

#include <string>

#include "callagent/plugin_api/llm.h"

namespace callagent::plugins::openai {

struct ChatRequestOptions {
  std::string model;
  double temperature = 0.7;
  int max_tokens = 256;
  bool include_usage = true;
};

// {"model","messages","temperature","max_tokens","stream":true,"stream_options"?,"tools"?}.
// "tools" only when the request has tools. invalid_argument when a tool's parameter
// schema is not a JSON object (an empty schema stands for a function without parameters).
Result<std::string> build_chat_request_body(const LlmRequest& request, const ChatRequestOptions& options);

}  // namespace callagent::plugins::openai
