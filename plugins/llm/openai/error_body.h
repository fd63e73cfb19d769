// Reading the model server's error answers and keeping secrets out of what we repeat.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::plugins::openai {

// Replaces every occurrence of each secret (API key, extra header values) with "****".
std::string redact(std::string text, const std::vector<std::string>& secrets);

// error.message of an OpenAI-style error body ({"error":{"message":…}}); otherwise the
// body itself cut to a readable length (Ollama and others answer with plain text).
std::string error_message_from_body(std::string_view body);

// The final error for an HTTP status the request could not get past: 401/403 →
// unauthenticated, 429 → rate_limited, ≥ 500 → unavailable, other 4xx → invalid_argument.
// `message` must already be redacted.
Status status_for_http_error(int http_status, const std::string& message);

}  // namespace callagent::plugins::openai
