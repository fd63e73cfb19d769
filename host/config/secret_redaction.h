// Which config keys hold secrets, and a copy of a JSON tree with their values hidden.
// Used by --print-config and anywhere a config is logged: secrets never reach a log.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace callagent::config {

// True for keys that name credentials: api_key, auth_token, api_token, password,
// secret, Authorization, xi-api-key, … (case-insensitive, by suffix), but not e.g.
// "keywords" or "max_tokens".
bool is_secret_key(std::string_view key);

// A copy with every non-empty string under a secret key replaced by "***".
nlohmann::json redact_secrets(const nlohmann::json& value);

}  // namespace callagent::config
