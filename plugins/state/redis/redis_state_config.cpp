#include "redis_state_config.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

namespace callagent::plugins::redis {
namespace {

constexpr std::string_view kKnownKeys =
    "command_timeout_ms, connect_timeout_ms, database, host, key_prefix, password, pool_size, "
    "port, reconnect_backoff_initial_ms, reconnect_backoff_max_ms, url";
// A bad value is quoted in its error; a huge subtree is cut so it cannot flood a log line.
constexpr std::size_t kMaxQuotedValueChars = 60;
constexpr std::int64_t kMaxPoolSize = 1024;
constexpr std::int64_t kMaxTimeoutMs = 60'000;
constexpr std::int64_t kMaxBackoffMs = 600'000;
constexpr std::int64_t kMaxDatabase = std::numeric_limits<int>::max();
constexpr int kDefaultPort = 6379;

Status config_error(std::string_view key, std::string_view message) {
  return Status(ErrorCode::invalid_config, std::string(key) + ": " + std::string(message));
}

std::string quote(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > kMaxQuotedValueChars) {
    text.resize(kMaxQuotedValueChars);
    text += "...";
  }
  return text;
}

Status read_integer(std::string_view key, const nlohmann::json& value, std::int64_t minimum,
                    std::int64_t maximum, std::int64_t& number) {
  const Status out_of_range =
      config_error(key, "expected an integer from " + std::to_string(minimum) + " to " +
                            std::to_string(maximum) + ", got " + quote(value));
  if (value.is_number_unsigned()) {
    const auto unsigned_value = value.get<std::uint64_t>();
    if (unsigned_value > static_cast<std::uint64_t>(maximum)) return out_of_range;
    number = static_cast<std::int64_t>(unsigned_value);
  } else if (value.is_number_integer()) {
    number = value.get<std::int64_t>();
  } else {
    return out_of_range;
  }
  return number < minimum || number > maximum ? out_of_range : Status::ok();
}

Status read_milliseconds(std::string_view key, const nlohmann::json& value, std::int64_t maximum,
                         std::chrono::milliseconds& duration) {
  std::int64_t number = 0;
  if (Status status = read_integer(key, value, 1, maximum, number); !status) return status;
  duration = std::chrono::milliseconds(number);
  return Status::ok();
}

// The password is never quoted, whatever its type.
Status read_string(std::string_view key, const nlohmann::json& value, bool non_empty, bool secret,
                   std::string& text) {
  if (!value.is_string() || (non_empty && value.get_ref<const std::string&>().empty())) {
    const std::string expected = non_empty ? "expected a non-empty string" : "expected a string";
    return config_error(key, secret ? expected : expected + ", got " + quote(value));
  }
  text = value.get<std::string>();
  return Status::ok();
}

std::optional<std::int64_t> parse_decimal(std::string_view text, std::int64_t maximum) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::int64_t number = 0;
  for (const char digit : text) {
    if (digit < '0' || digit > '9') return std::nullopt;
    number = number * 10 + (digit - '0');
  }
  if (number > maximum) return std::nullopt;
  return number;
}

// "redis://[:password@]host[:port][/database]". Messages never quote the text (it may hold
// the password).
Status read_url(const nlohmann::json& value, RedisStateConfig& config) {
  constexpr std::string_view kForm = "redis://[:password@]host[:port][/database]";
  if (!value.is_string()) return config_error("url", "expected a string " + std::string(kForm));
  std::string_view url = value.get_ref<const std::string&>();
  constexpr std::string_view kScheme = "redis://";
  if (url.starts_with("rediss://")) {
    return config_error("url", "TLS (rediss://) is not supported; use redis://");
  }
  if (!url.starts_with(kScheme)) {
    return config_error("url", "expected " + std::string(kForm));
  }
  url.remove_prefix(kScheme.size());
  // The password may hold '@' or '/'; the host and database cannot, so split at the last '@'.
  if (const auto at = url.rfind('@'); at != std::string_view::npos) {
    const std::string_view user_info = url.substr(0, at);
    if (!user_info.starts_with(':')) {
      return config_error("url", "user names are not supported; write redis://:password@host");
    }
    config.password = std::string(user_info.substr(1));
    url.remove_prefix(at + 1);
  }
  std::string_view host_port = url;
  if (const auto slash = url.find('/'); slash != std::string_view::npos) {
    host_port = url.substr(0, slash);
    const std::string_view database = url.substr(slash + 1);
    if (!database.empty()) {
      const auto number = parse_decimal(database, kMaxDatabase);
      if (!number) return config_error("url", "the database after '/' must be an integer >= 0");
      config.database = static_cast<int>(*number);
    }
  }
  if (const auto colon = host_port.find(':'); colon != std::string_view::npos) {
    const auto number = parse_decimal(host_port.substr(colon + 1), 65535);
    if (!number || *number < 1) return config_error("url", "the port must be an integer from 1 to 65535");
    config.port = static_cast<int>(*number);
    host_port = host_port.substr(0, colon);
  } else {
    config.port = kDefaultPort;
  }
  if (host_port.empty()) return config_error("url", "names no host; expected " + std::string(kForm));
  config.host = std::string(host_port);
  return Status::ok();
}

}  // namespace

std::string RedisStateConfig::endpoint() const { return host + ":" + std::to_string(port); }

Result<RedisStateConfig> parse_redis_state_config(std::string_view config_json) {
  RedisStateConfig config;
  if (config_json.find_first_not_of(" \t\r\n") == std::string_view::npos) return config;

  nlohmann::json root;
  try {
    root = nlohmann::json::parse(config_json.begin(), config_json.end());
  } catch (const nlohmann::json::parse_error& error) {
    return Status(ErrorCode::invalid_config,
                  "config must be a JSON object; this text is not JSON (error at byte " +
                      std::to_string(error.byte) + ")");
  }
  if (!root.is_object()) {
    return Status(ErrorCode::invalid_config,
                  std::string("config must be a JSON object, got ") + root.type_name());
  }

  // nlohmann keeps object keys sorted, so with several errors the one reported is stable.
  for (const auto& item : root.items()) {
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    Status status;
    std::int64_t number = 0;
    if (key == "host") {
      status = read_string(key, value, true, false, config.host);
    } else if (key == "port") {
      status = read_integer(key, value, 1, 65535, number);
      config.port = static_cast<int>(number);
    } else if (key == "password") {
      status = read_string(key, value, false, true, config.password);
    } else if (key == "database") {
      status = read_integer(key, value, 0, kMaxDatabase, number);
      config.database = static_cast<int>(number);
    } else if (key == "key_prefix") {
      status = read_string(key, value, false, false, config.key_prefix);
    } else if (key == "pool_size") {
      status = read_integer(key, value, 1, kMaxPoolSize, number);
      config.pool_size = static_cast<std::size_t>(number);
    } else if (key == "connect_timeout_ms") {
      status = read_milliseconds(key, value, kMaxTimeoutMs, config.connect_timeout);
    } else if (key == "command_timeout_ms") {
      status = read_milliseconds(key, value, kMaxTimeoutMs, config.command_timeout);
    } else if (key == "reconnect_backoff_initial_ms") {
      status = read_milliseconds(key, value, kMaxBackoffMs, config.reconnect_backoff_initial);
    } else if (key == "reconnect_backoff_max_ms") {
      status = read_milliseconds(key, value, kMaxBackoffMs, config.reconnect_backoff_max);
    } else if (key == "url") {
      for (const char* replaced : {"host", "port", "password", "database"}) {
        if (root.contains(replaced)) {
          return config_error("url", std::string("give either url or ") + replaced + ", not both");
        }
      }
      status = read_url(value, config);
    } else {
      status = config_error(key, "unknown key (known: " + std::string(kKnownKeys) + ")");
    }
    if (!status) return status;
  }
  if (config.reconnect_backoff_max < config.reconnect_backoff_initial) {
    return config_error("reconnect_backoff_max_ms",
                        "must be >= reconnect_backoff_initial_ms (" +
                            std::to_string(config.reconnect_backoff_initial.count()) + "), got " +
                            std::to_string(config.reconnect_backoff_max.count()));
  }
  return config;
}

}  // namespace callagent::plugins::redis
