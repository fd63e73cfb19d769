#include "redis_state.h"

#include <exception>
#include <utility>

#include <hiredis/hiredis.h>

#include "callagent/plugin_api/exception_boundary.h"
#include "redis_errors.h"

namespace callagent::plugins::redis {
namespace {

ConnectionSettings settings_from(const RedisStateConfig& config) {
  ConnectionSettings settings;
  settings.host = config.host;
  settings.port = config.port;
  settings.password = config.password;
  settings.database = config.database;
  settings.connect_timeout = config.connect_timeout;
  settings.command_timeout = config.command_timeout;
  settings.endpoint = config.endpoint();
  return settings;
}

std::string_view reply_type_name(int type) noexcept {
  switch (type) {
    case REDIS_REPLY_STRING: return "string";
    case REDIS_REPLY_ARRAY: return "array";
    case REDIS_REPLY_INTEGER: return "integer";
    case REDIS_REPLY_NIL: return "nil";
    case REDIS_REPLY_STATUS: return "status";
    case REDIS_REPLY_ERROR: return "error";
    default: return "unknown";
  }
}

Status unexpected_reply(std::string_view command, const redisReply& reply) {
  std::string text = "redis " + std::string(command) + " answered with an unexpected " +
                     std::string(reply_type_name(reply.type)) + " reply";
  if (reply.type == REDIS_REPLY_STATUS && reply.str != nullptr) {
    text += " \"" + std::string(reply.str, reply.len < 40 ? reply.len : 40) + "\"";
  }
  return Status(ErrorCode::internal, std::move(text));
}

bool is_status(const redisReply& reply, std::string_view expected) noexcept {
  return reply.type == REDIS_REPLY_STATUS && reply.str != nullptr &&
         std::string_view(reply.str, reply.len) == expected;
}

Status invalid_ttl(std::chrono::seconds ttl) {
  return Status(ErrorCode::invalid_argument,
                "ttl must be > 0 seconds, got " + std::to_string(ttl.count()));
}

}  // namespace

Status RedisStateStore::validate_config(std::string_view config_json) {
  return parse_redis_state_config(config_json).status();
}

Result<std::unique_ptr<RedisStateStore>> RedisStateStore::create(const ProviderContext& context) {
  auto config = parse_redis_state_config(context.config_json);
  if (!config) return config.status();
  auto store = std::make_unique<RedisStateStore>(std::move(config).value(), context.logger);
  if (Status started = store->start_up(); !started) return started;
  return store;
}

RedisStateStore::RedisStateStore(RedisStateConfig config, Logger& logger)
    : config_(std::move(config)),
      endpoint_(config_.endpoint()),
      logger_(logger),
      outage_(endpoint_, config_.reconnect_backoff_initial, config_.reconnect_backoff_max, logger),
      pool_(config_.pool_size, config_.command_timeout,
            [settings = settings_from(config_)] { return RedisConnection::open(settings); }, outage_) {}

Status RedisStateStore::start_up() {
  const Status pinged = ping();
  outage_.finish_start_up();
  const std::string where = "redis at " + endpoint_ + " database " + std::to_string(config_.database);
  if (pinged) {
    const std::string prefix =
        config_.key_prefix.empty() ? std::string() : ", key prefix \"" + config_.key_prefix + "\"";
    logger_.info("state in " + where + prefix + ", up to " + std::to_string(config_.pool_size) +
                 " connections");
    return Status::ok();
  }
  switch (pinged.code()) {
    case ErrorCode::unauthenticated:
    case ErrorCode::invalid_config:
      // A reachable server refused the config: the host must not start with it.
      if (pinged.message().starts_with("database: ")) {
        return Status(ErrorCode::invalid_config, pinged.message());
      }
      return Status(ErrorCode::invalid_config, "password: " + pinged.message());
    default:
      // Unreachable: the tracker already warned. Anything else (LOADING, a timeout): warn
      // once here; the host starts and the store works when the server does.
      if (!outage_.in_outage()) {
        logger_.warn("redis at " + endpoint_ + " is not ready at start-up: " + pinged.message() +
                     "; starting anyway");
      }
      return Status::ok();
  }
}

std::string RedisStateStore::full_key(std::string_view key) const {
  std::string full;
  full.reserve(config_.key_prefix.size() + key.size());
  full.append(config_.key_prefix).append(key);
  return full;
}

Result<ReplyPtr> RedisStateStore::run(std::initializer_list<std::string_view> arguments) {
  auto lease = pool_.acquire();
  if (!lease) return lease.status();
  RedisConnection& connection = lease.value().connection();
  auto reply = connection.command(arguments);
  if (!reply) return reply.status();
  const redisReply& answer = *reply.value();
  if (answer.type == REDIS_REPLY_ERROR) {
    const std::string_view text =
        answer.str != nullptr ? std::string_view(answer.str, answer.len) : std::string_view();
    // A connection the server no longer accepts is useless: the next one re-authenticates.
    if (is_auth_error(text)) connection.mark_lost();
    return status_for_error_reply(*arguments.begin(), text, endpoint_, config_.password);
  }
  return reply;
}

Result<std::optional<std::string>> RedisStateStore::get(std::string_view key) noexcept {
  return without_exceptions("state_redis", [&]() -> Result<std::optional<std::string>> {
    auto reply = run({"GET", full_key(key)});
    if (!reply) return reply.status();
    const redisReply& answer = *reply.value();
    if (answer.type == REDIS_REPLY_NIL) return std::optional<std::string>();
    if (answer.type != REDIS_REPLY_STRING) return unexpected_reply("GET", answer);
    return std::optional<std::string>(std::string(answer.str, answer.len));
  });
}

Status RedisStateStore::put(std::string_view key, std::string_view value,
                            std::chrono::seconds ttl) noexcept {
  return without_exceptions("state_redis", [&]() -> Status {
    if (ttl <= std::chrono::seconds::zero()) return invalid_ttl(ttl);
    const std::string seconds = std::to_string(ttl.count());
    auto reply = run({"SET", full_key(key), value, "EX", seconds});
    if (!reply) return reply.status();
    if (!is_status(*reply.value(), "OK")) return unexpected_reply("SET", *reply.value());
    return Status::ok();
  });
}

Result<bool> RedisStateStore::put_if_absent(std::string_view key, std::string_view value,
                                            std::chrono::seconds ttl) noexcept {
  return without_exceptions("state_redis", [&]() -> Result<bool> {
    if (ttl <= std::chrono::seconds::zero()) return invalid_ttl(ttl);
    const std::string seconds = std::to_string(ttl.count());
    auto reply = run({"SET", full_key(key), value, "NX", "EX", seconds});
    if (!reply) return reply.status();
    const redisReply& answer = *reply.value();
    if (answer.type == REDIS_REPLY_NIL) return false;
    if (!is_status(answer, "OK")) return unexpected_reply("SET NX", answer);
    return true;
  });
}

Status RedisStateStore::erase(std::string_view key) noexcept {
  return without_exceptions("state_redis", [&]() -> Status {
    auto reply = run({"DEL", full_key(key)});
    if (!reply) return reply.status();
    if (reply.value()->type != REDIS_REPLY_INTEGER) return unexpected_reply("DEL", *reply.value());
    return Status::ok();
  });
}

Status RedisStateStore::ping() noexcept {
  return without_exceptions("state_redis", [&]() -> Status {
    auto reply = run({"PING"});
    if (!reply) return reply.status();
    if (!is_status(*reply.value(), "PONG")) return unexpected_reply("PING", *reply.value());
    return Status::ok();
  });
}

std::uint64_t RedisStateStore::outage_failures() const noexcept { return outage_.outage_failures(); }

}  // namespace callagent::plugins::redis
