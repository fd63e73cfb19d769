// One hiredis connection: connect with a timeout, AUTH, SELECT, and commands with a timeout.
//
// Ownership: owns its redisContext and frees it in the destructor (RAII, move-only through
// unique_ptr). Threading: NOT thread-safe; one thread uses a connection at a time (the pool
// hands it to one operation). After an I/O error or a timeout the connection is `broken()`
// and must be dropped: a late reply would otherwise answer the next command.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "callagent/plugin_api.h"

struct redisContext;
struct redisReply;

namespace callagent::plugins::redis {

struct ReplyDeleter {
  void operator()(redisReply* reply) const noexcept;
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

struct ConnectionSettings {
  std::string host;
  int port = 6379;
  std::string password;  // secret: never in a message
  int database = 0;
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds command_timeout{500};
  std::string endpoint;  // "host:port" for messages
};

class RedisConnection;

// What opening a connection gave: a connection, or an error. `unreachable` is set when the
// server could not be reached at all (refused, timed out, unknown host): the only failure
// that starts an outage. AUTH and SELECT refusals come from a reachable server.
struct OpenResult {
  std::unique_ptr<RedisConnection> connection;
  Status error;
  bool unreachable = false;
};

class RedisConnection {
 public:
  enum class Health { healthy, timed_out, lost };

  // Connects within settings.connect_timeout, sets the command timeout, sends AUTH when a
  // password is set and SELECT when database != 0. Errors: unavailable (+unreachable) when
  // the server cannot be reached; unauthenticated when AUTH is refused (message names
  // `password`, never its value); invalid_config naming `database` when SELECT is refused.
  static OpenResult open(const ConnectionSettings& settings);

  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command (binary-safe arguments; the first is the command name) and waits for
  // its reply within the command timeout. An error reply is returned as a reply; the Status
  // errors are timeout (no reply in time) and unavailable (the connection failed). Either
  // leaves the connection broken.
  Result<ReplyPtr> command(std::initializer_list<std::string_view> arguments);

  Health health() const noexcept { return health_; }
  bool broken() const noexcept { return health_ != Health::healthy; }
  // Marks a healthy connection unusable (e.g. the server dropped its authentication).
  void mark_lost() noexcept { health_ = Health::lost; }

 private:
  RedisConnection(redisContext* context, const ConnectionSettings& settings) noexcept;

  redisContext* context_;
  std::chrono::milliseconds command_timeout_;
  std::string endpoint_;
  Health health_ = Health::healthy;
};

}  // namespace callagent::plugins::redis
