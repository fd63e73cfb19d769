// Turns a vendor's error answer (status code and JSON body) into a Status for the host, and
// says whether it is worth retrying. ElevenLabs error bodies (protocols.md §5.1):
// 422 {"detail":[{"loc":[…],"msg":…,"type":…}]}; others {"detail":{"status":…,"message":…}}.
#pragma once

#include <string>
#include <string_view>

#include "callagent/plugin_api/status.h"

namespace callagent::plugins {

struct VendorFailure {
  Status status;
  bool retryable = false;  // 429 and 5xx: only before the first audio byte
};

// `secret` (the API key) is cut out of the message wherever the vendor echoed it.
VendorFailure elevenlabs_http_failure(int http_status, std::string_view body, std::string_view secret);

// Replaces every occurrence of `secret` in `text` with "[redacted]".
std::string redact(std::string text, std::string_view secret);

}  // namespace callagent::plugins
