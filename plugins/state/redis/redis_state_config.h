// state_redis: the plugin's config, parsed and checked.
//
// Every key is optional; unknown keys are refused; every error is invalid_config and names
// the JSON key ("port: expected an integer from 1 to 65535, got \"abc\""). The password is a
// secret: no error message quotes it, and neither does any message about `url` (it may hold
// the password).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "callagent/plugin_api.h"

namespace callagent::plugins::redis {

struct RedisStateConfig {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // secret; empty: no AUTH
  int database = 0;
  std::string key_prefix;  // prepended to every key
  std::size_t pool_size = 16;
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds command_timeout{500};
  std::chrono::milliseconds reconnect_backoff_initial{100};
  std::chrono::milliseconds reconnect_backoff_max{5000};

  // "host:port", for messages (never holds the password).
  std::string endpoint() const;
};

// Parses the plugin's config subtree. An empty text means every default. Also accepts
// "url": "redis://[:password@]host[:port][/database]" instead of host, port, password and
// database (not together with them).
Result<RedisStateConfig> parse_redis_state_config(std::string_view config_json);

}  // namespace callagent::plugins::redis
