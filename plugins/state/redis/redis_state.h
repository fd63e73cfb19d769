// state_redis: a StateStore in Redis (hiredis), shared by every host that points at the
// same server, database and key_prefix.
//
//   get            GET <prefix><key>
//   put            SET <prefix><key> <value> EX <ttl>
//   put_if_absent  SET <prefix><key> <value> NX EX <ttl>   (true iff OK, false on nil)
//   erase          DEL <prefix><key>
//   ping           PING
//
// Keys and values are binary-safe. Each operation borrows one connection from a pool of
// pool_size (ConnectionPool) and blocks for at most connect_timeout_ms (when it has to open
// a connection) plus command_timeout_ms, or command_timeout_ms waiting for a busy pool.
// When Redis cannot be reached the store fails every operation fast with `unavailable`
// and retries with backoff (OutageTracker), logging the outage once and the recovery once.
//
// Errors: unavailable (unreachable, connection lost, LOADING/MASTERDOWN/READONLY),
// timeout (no reply in time, pool busy), unauthenticated (NOAUTH/WRONGPASS, naming the
// `password` key, never its value), vendor_error (any other error reply), internal (a reply
// of the wrong type, naming the command), invalid_argument (ttl <= 0).
//
// Ownership: owns its pool and connections. Lifetime: keeps a reference to the logger
// from the ProviderContext (which the host keeps alive as long as the provider); nothing
// else from the context. Threading: every method may be called from any number of threads
// at once; no method holds a lock during network I/O. SIGPIPE from a closed socket is
// blocked per command (SigpipeGuard).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "callagent/plugin_api.h"
#include "connection_pool.h"
#include "outage_tracker.h"
#include "redis_connection.h"
#include "redis_state_config.h"

namespace callagent::plugins::redis {

class RedisStateStore final : public StateStore {
 public:
  // Checks the config subtree without touching the network.
  static Status validate_config(std::string_view config_json);
  // Parses the config and checks the server once with PING. A wrong or missing password,
  // or a database the server refuses, fails with invalid_config naming the key (never the
  // password). An unreachable or not-ready server is logged once as a warning and the
  // store is created anyway; it connects when the server is back.
  static Result<std::unique_ptr<RedisStateStore>> create(const ProviderContext& context);

  // Connects lazily; create() is the usual way in.
  RedisStateStore(RedisStateConfig config, Logger& logger);

  Result<std::optional<std::string>> get(std::string_view key) noexcept override;
  Status put(std::string_view key, std::string_view value, std::chrono::seconds ttl) noexcept override;
  Result<bool> put_if_absent(std::string_view key, std::string_view value,
                             std::chrono::seconds ttl) noexcept override;
  Status erase(std::string_view key) noexcept override;
  Status ping() noexcept override;

  // Operations that failed because Redis was unreachable, since creation (for metrics).
  std::uint64_t outage_failures() const noexcept;
  const RedisStateConfig& config() const noexcept { return config_; }

 private:
  // Runs one command on a pooled connection. An error reply becomes its Status.
  Result<ReplyPtr> run(std::initializer_list<std::string_view> arguments);
  std::string full_key(std::string_view key) const;
  Status start_up();

  const RedisStateConfig config_;
  const std::string endpoint_;
  Logger& logger_;
  OutageTracker outage_;
  ConnectionPool pool_;
};

}  // namespace callagent::plugins::redis
