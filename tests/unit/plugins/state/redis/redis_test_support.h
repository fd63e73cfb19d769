// Helpers for the state_redis tests: a raw hiredis client to look behind the store's back,
// a shared server per suite, and small assertions.
#pragma once

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/state/redis/redis_state.h"
#include "tests/fakes/recording_logger.h"
#include "tests/support/redis_server.h"

namespace callagent::plugins::redis::test {

// A plain hiredis client, independent of the plugin's code.
class RawClient {
 public:
  explicit RawClient(const testing::RedisServer& server, const std::string& password = {}) {
    const timeval timeout{2, 0};
    context_.reset(redisConnectWithTimeout(server.host().c_str(), server.port(), timeout));
    if (context_ == nullptr || context_->err != 0) {
      ADD_FAILURE() << "raw client cannot connect to redis on port " << server.port();
      context_.reset();
      return;
    }
    redisSetTimeout(context_.get(), timeout);
    if (!password.empty()) command({"AUTH", password});
  }
  bool connected() const { return context_ != nullptr; }

  struct Reply {
    int type = 0;
    std::string text;      // string, status or error
    long long integer = 0;
  };
  Reply command(std::initializer_list<std::string_view> arguments) {
    Reply result;
    if (!context_) return result;
    std::vector<const char*> pointers;
    std::vector<std::size_t> lengths;
    for (auto argument : arguments) {
      pointers.push_back(argument.data());
      lengths.push_back(argument.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(context_.get(), static_cast<int>(pointers.size()), pointers.data(), lengths.data()));
    if (reply == nullptr) {
      ADD_FAILURE() << "raw client command failed: " << context_->errstr;
      return result;
    }
    result.type = reply->type;
    if (reply->str != nullptr) result.text.assign(reply->str, reply->len);
    result.integer = reply->integer;
    freeReplyObject(reply);
    return result;
  }
  // GET's value, nullopt for nil.
  std::optional<std::string> get(std::string_view key) {
    const Reply reply = command({"GET", key});
    if (reply.type == REDIS_REPLY_NIL) return std::nullopt;
    EXPECT_EQ(reply.type, REDIS_REPLY_STRING) << reply.text;
    return reply.text;
  }

 private:
  struct Free {
    void operator()(redisContext* context) const { redisFree(context); }
  };
  std::unique_ptr<redisContext, Free> context_;
};

// Starts a server, or fails the test with the fixture's message (never skips).
inline std::unique_ptr<testing::RedisServer> start_server(testing::RedisServer::Options options = {}) {
  try {
    return std::make_unique<testing::RedisServer>(std::move(options));
  } catch (const std::exception& error) {
    ADD_FAILURE() << error.what();
    return nullptr;
  }
}

inline std::unique_ptr<RedisStateStore> create_store(const std::string& config_json, Logger& logger) {
  const ProviderContext context{config_json, logger, ""};
  auto created = RedisStateStore::create(context);
  EXPECT_TRUE(created.is_ok()) << created.status().message();
  return created.is_ok() ? std::move(created).value() : nullptr;
}

inline std::chrono::milliseconds elapsed_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace callagent::plugins::redis::test
