// The pool on real connections: lazy connects, reuse, a busy pool timing out, broken
// connections dropped instead of reused.
#include "plugins/state/redis/connection_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "redis_test_support.h"

using namespace std::chrono_literals;

namespace callagent::plugins::redis {
namespace {

using ::testing::HasSubstr;

class RedisConnectionPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = test::start_server();
    ASSERT_NE(server_, nullptr);
    settings_.host = server_->host();
    settings_.port = server_->port();
    settings_.endpoint = server_->host() + ":" + std::to_string(server_->port());
    settings_.command_timeout = 300ms;
  }

  ConnectionPool::Connect counting_connect() {
    return [this] {
      ++connects_;
      return RedisConnection::open(settings_);
    };
  }

  std::unique_ptr<testing::RedisServer> server_;
  ConnectionSettings settings_;
  std::atomic<int> connects_{0};
  callagent::testing::RecordingLogger logger_;
  OutageTracker outage_{"test", 100ms, 1000ms, logger_};
};

TEST_F(RedisConnectionPoolTest, ConnectsLazilyAndReusesAReturnedConnection) {
  ConnectionPool pool(4, 300ms, counting_connect(), outage_);
  EXPECT_EQ(pool.open_count(), 0u);
  for (int i = 0; i < 5; ++i) {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.is_ok()) << lease.status().message();
    auto reply = lease.value().connection().command({"PING"});
    ASSERT_TRUE(reply.is_ok()) << reply.status().message();
  }
  EXPECT_EQ(connects_.load(), 1);
  EXPECT_EQ(pool.open_count(), 1u);
  EXPECT_EQ(pool.idle_count(), 1u);
}

TEST_F(RedisConnectionPoolTest, AnExhaustedPoolFailsWithTimeoutAfterTheWait) {
  ConnectionPool pool(2, 300ms, counting_connect(), outage_);
  auto first = pool.acquire();
  auto second = pool.acquire();
  ASSERT_TRUE(first.is_ok() && second.is_ok());

  const auto started = std::chrono::steady_clock::now();
  auto third = pool.acquire();
  const auto waited = test::elapsed_since(started);
  ASSERT_FALSE(third.is_ok());
  EXPECT_EQ(third.status().code(), ErrorCode::timeout);
  EXPECT_EQ(third.status().message(), "all 2 redis connections (pool_size) stayed busy for 300 ms");
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 3000ms);
  EXPECT_EQ(outage_.outage_failures(), 0u);
}

TEST_F(RedisConnectionPoolTest, AWaitingOperationGetsTheConnectionReturnedMeanwhile) {
  ConnectionPool pool(1, 5000ms, counting_connect(), outage_);
  std::optional<ConnectionPool::Lease> held;
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.is_ok());
    held.emplace(std::move(lease).value());
  }
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    held.reset();
  });
  auto waiting = pool.acquire();
  releaser.join();
  ASSERT_TRUE(waiting.is_ok()) << waiting.status().message();
  EXPECT_EQ(connects_.load(), 1);
}

TEST_F(RedisConnectionPoolTest, ABrokenConnectionIsDroppedNotReused) {
  ConnectionPool pool(2, 300ms, counting_connect(), outage_);
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.is_ok());
    server_->pause();
    auto reply = lease.value().connection().command({"PING"});
    server_->resume();
    EXPECT_EQ(reply.status().code(), ErrorCode::timeout);
    EXPECT_TRUE(lease.value().connection().broken());
  }
  EXPECT_EQ(pool.open_count(), 0u);
  auto lease = pool.acquire();
  ASSERT_TRUE(lease.is_ok());
  auto reply = lease.value().connection().command({"PING"});
  EXPECT_TRUE(reply.is_ok()) << reply.status().message();
  EXPECT_EQ(connects_.load(), 2);
}

TEST_F(RedisConnectionPoolTest, ALostConnectionAlsoDropsTheIdleOnes) {
  ConnectionPool pool(3, 300ms, counting_connect(), outage_);
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    ASSERT_TRUE(a.is_ok() && b.is_ok());
  }
  EXPECT_EQ(pool.idle_count(), 2u);
  server_->restart();
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.is_ok());
    auto reply = lease.value().connection().command({"PING"});
    EXPECT_EQ(reply.status().code(), ErrorCode::unavailable) << "its server was restarted";
  }
  EXPECT_EQ(pool.idle_count(), 0u);
  EXPECT_EQ(pool.open_count(), 0u);
  auto lease = pool.acquire();
  ASSERT_TRUE(lease.is_ok());
  EXPECT_TRUE(lease.value().connection().command({"PING"}).is_ok());
}

}  // namespace
}  // namespace callagent::plugins::redis
