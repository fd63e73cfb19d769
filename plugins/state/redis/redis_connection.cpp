#include "redis_connection.h"

#include <sys/time.h>

#include <cerrno>
#include <utility>
#include <vector>

#include <hiredis/hiredis.h>

#include "redis_errors.h"
#include "sigpipe_guard.h"

namespace callagent::plugins::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds duration) noexcept {
  timeval value{};
  value.tv_sec = static_cast<time_t>(duration.count() / 1000);
  value.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
  return value;
}

struct ContextDeleter {
  void operator()(redisContext* context) const noexcept { redisFree(context); }
};

std::string error_text(const redisReply& reply) {
  return std::string(reply.str != nullptr ? std::string_view(reply.str, reply.len) : std::string_view());
}

}  // namespace

void ReplyDeleter::operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }

RedisConnection::RedisConnection(redisContext* context, const ConnectionSettings& settings) noexcept
    : context_(context), command_timeout_(settings.command_timeout) {
  try {
    endpoint_ = settings.endpoint;
  } catch (...) {
  }
}

RedisConnection::~RedisConnection() { redisFree(context_); }

OpenResult RedisConnection::open(const ConnectionSettings& settings) {
  OpenResult result;
  const std::string where = "redis at " + settings.endpoint;
  std::unique_ptr<redisContext, ContextDeleter> context(
      redisConnectWithTimeout(settings.host.c_str(), settings.port, to_timeval(settings.connect_timeout)));
  if (context == nullptr) {
    result.error = Status(ErrorCode::unavailable, where + ": cannot allocate a connection");
    result.unreachable = true;
    return result;
  }
  if (context->err != 0) {
    result.error = Status(ErrorCode::unavailable, context->errstr);  // the reason only
    result.unreachable = true;
    return result;
  }
  if (redisSetTimeout(context.get(), to_timeval(settings.command_timeout)) != REDIS_OK) {
    result.error = Status(ErrorCode::unavailable, context->errstr);
    result.unreachable = true;
    return result;
  }
  std::unique_ptr<RedisConnection> connection(new RedisConnection(context.release(), settings));

  if (!settings.password.empty()) {
    auto reply = connection->command({"AUTH", settings.password});
    if (!reply) {
      result.error = reply.status();
      return result;
    }
    if (reply.value()->type == REDIS_REPLY_ERROR) {
      const std::string text = error_text(*reply.value());
      result.error = Status(ErrorCode::unauthenticated,
                            where + " refused the configured `password`: " +
                                scrub(text, settings.password));
      return result;
    }
  }
  if (settings.database != 0) {
    const std::string database = std::to_string(settings.database);
    auto reply = connection->command({"SELECT", database});
    if (!reply) {
      result.error = reply.status();
      return result;
    }
    if (reply.value()->type == REDIS_REPLY_ERROR) {
      const std::string text = error_text(*reply.value());
      if (is_auth_error(text)) {
        result.error = status_for_error_reply("SELECT", text, settings.endpoint, settings.password);
      } else {
        result.error = Status(ErrorCode::invalid_config,
                              "database: " + where + " refused SELECT " + database + ": " +
                                  scrub(text, settings.password));
      }
      return result;
    }
  }
  result.connection = std::move(connection);
  return result;
}

Result<ReplyPtr> RedisConnection::command(std::initializer_list<std::string_view> arguments) {
  const std::string_view name = arguments.size() > 0 ? *arguments.begin() : std::string_view("?");
  if (broken()) {
    return Status(ErrorCode::internal, "redis " + std::string(name) + " on a broken connection");
  }
  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
  pointers.reserve(arguments.size());
  lengths.reserve(arguments.size());
  for (const std::string_view argument : arguments) {
    pointers.push_back(argument.data());
    lengths.push_back(argument.size());
  }
  void* raw = nullptr;
  int saved_errno = 0;
  {
    SigpipeGuard no_sigpipe;
    errno = 0;
    raw = redisCommandArgv(context_, static_cast<int>(pointers.size()), pointers.data(), lengths.data());
    saved_errno = errno;
  }
  if (raw == nullptr) {
    const std::string reason = context_->errstr;
    // hiredis reports a socket timeout (SO_RCVTIMEO) as an I/O error with EAGAIN.
    const bool timed_out = context_->err == REDIS_ERR_IO &&
                           (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK ||
                            reason.find("temporarily unavailable") != std::string::npos);
    if (timed_out) {
      health_ = Health::timed_out;
      return Status(ErrorCode::timeout, "redis at " + endpoint_ + " did not answer " + std::string(name) +
                                            " within " + std::to_string(command_timeout_.count()) + " ms");
    }
    health_ = Health::lost;
    return Status(ErrorCode::unavailable, "connection to redis at " + endpoint_ + " failed during " +
                                              std::string(name) + ": " + reason);
  }
  return ReplyPtr(static_cast<redisReply*>(raw));
}

}  // namespace callagent::plugins::redis
