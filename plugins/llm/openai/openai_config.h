// The llm_openai config subtree: what it may hold, its defaults, and the checks that name
// the offending key. Parsing has no side effects (no network, no files), so
// validate_config and create share it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::plugins::openai {

struct OpenAiConfig {
  // Secret: never logged. Empty is allowed for local servers (Ollama, vLLM, llama.cpp).
  std::string api_key;
  std::string base_url = "https://api.openai.com/v1";  // without a trailing '/'
  std::string model = "gpt-4o-mini";
  double temperature = 0.7;  // 0–2, the seed's ChatGPTAgentConfig default
  int max_tokens = 256;
  // Extra request headers (e.g. Azure's "api-key"). Values are secret in logs.
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds first_token_timeout{10000};
  int max_retries = 2;
  bool include_usage = true;  // stream_options.include_usage

  // Every value that must never reach a log line or an error message.
  std::vector<std::string> secrets() const;
};

// invalid_config with "key: message" on the first problem found.
Result<OpenAiConfig> parse_openai_config(std::string_view config_json);

}  // namespace callagent::plugins::openai
