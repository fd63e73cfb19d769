// Redis going away and coming back, a password, a paused server: each with its own
// redis-server, because each test stops or reconfigures it.
#include "plugins/state/redis/redis_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "redis_test_support.h"

using namespace std::chrono_literals;

namespace callagent::plugins::redis {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Timeouts long enough that "failed fast" is far from "waited for a timeout".
constexpr auto kTimeout = 3000ms;
constexpr auto kFast = kTimeout / 3;
const std::string kSlowTimeouts = R"("connect_timeout_ms": 3000, "command_timeout_ms": 3000)";

std::string with_backoff(const std::string& initial_ms, const std::string& max_ms) {
  return kSlowTimeouts + R"(, "reconnect_backoff_initial_ms": )" + initial_ms +
         R"(, "reconnect_backoff_max_ms": )" + max_ms;
}

// A loopback port whose connects hang: a listener with a full accept queue that never
// accepts, so the kernel drops further SYNs (like a host that vanished from the network).
class BlackHole {
 public:
  BlackHole() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(listener_, 0) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot set up the black hole listener";
    }
    port_ = ntohs(address.sin_port);
    for (int i = 0; i < 4; ++i) {  // fill the accept queue
      const int filler = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      ::connect(filler, reinterpret_cast<sockaddr*>(&address), length);
      fillers_.push_back(filler);
    }
    std::this_thread::sleep_for(50ms);
  }
  ~BlackHole() {
    for (const int filler : fillers_) ::close(filler);
    ::close(listener_);
  }
  int port() const { return port_; }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

TEST(RedisOutageTest, AHostThatDoesNotAnswerStallsOnlyTheFirstConnectThenEverythingFailsFast) {
  BlackHole hole;
  callagent::testing::RecordingLogger logger;
  const std::string config = R"({"port": )" + std::to_string(hole.port()) +
                             R"(, "connect_timeout_ms": 600, "reconnect_backoff_initial_ms": 60000,
                                "reconnect_backoff_max_ms": 60000})";
  const auto started = std::chrono::steady_clock::now();
  auto store = test::create_store(config, logger);
  ASSERT_NE(store, nullptr);
  EXPECT_GE(test::elapsed_since(started), 500ms) << "start-up waited for the connect timeout";
  EXPECT_EQ(logger.count(LogLevel::warn, "is unreachable at start-up"), 1u) << logger.all_text();

  for (int i = 0; i < 10; ++i) {
    const auto before = std::chrono::steady_clock::now();
    const Status status = store->put("k", "v", 60s);
    EXPECT_EQ(status.code(), ErrorCode::unavailable) << status.message();
    EXPECT_LT(test::elapsed_since(before), 200ms) << "operation " << i << " touched the network";
  }
  EXPECT_EQ(store->outage_failures(), 11u);
  EXPECT_EQ(logger.lines().size(), 1u) << logger.all_text();
}

TEST(RedisOutageTest, AStoppedRedisFailsEveryOperationFastAndIsLoggedOnce) {
  auto server = test::start_server();
  ASSERT_NE(server, nullptr);
  callagent::testing::RecordingLogger logger;
  // A long backoff: the whole test runs inside the first one.
  auto store = test::create_store(server->config_json(with_backoff("60000", "60000")), logger);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put("before", "v", 60s).is_ok());

  server->stop();
  constexpr int kOperations = 40;
  for (int i = 0; i < kOperations; ++i) {
    const auto started = std::chrono::steady_clock::now();
    Status status;
    switch (i % 4) {
      case 0: status = store->get("k").status(); break;
      case 1: status = store->put("k", "v", 60s); break;
      case 2: status = store->put_if_absent("k", "v", 60s).status(); break;
      default: status = store->erase("k"); break;
    }
    EXPECT_EQ(status.code(), ErrorCode::unavailable) << i << ": " << status.message();
    EXPECT_LT(test::elapsed_since(started), kFast) << i;
  }
  const Status ping = store->ping();
  EXPECT_EQ(ping.code(), ErrorCode::unavailable);
  EXPECT_THAT(ping.message(), StartsWith("redis at 127.0.0.1:" + std::to_string(server->port()) +
                                         " is unreachable: Connection refused; retrying in "));

  EXPECT_EQ(logger.count(LogLevel::error, "is unreachable"), 1u) << logger.all_text();
  EXPECT_EQ(logger.count(LogLevel::warn, ""), 0u) << logger.all_text();
  // The first operation may have found its pooled connection dead before any connect
  // failed; every later one failed during the outage.
  EXPECT_GE(store->outage_failures(), static_cast<std::uint64_t>(kOperations));
  EXPECT_LE(store->outage_failures(), static_cast<std::uint64_t>(kOperations + 1));
}

TEST(RedisOutageTest, ARestartedRedisIsUsedAgainAfterTheBackoffAndTheRecoveryIsLoggedOnce) {
  auto server = test::start_server();
  ASSERT_NE(server, nullptr);
  callagent::testing::RecordingLogger logger;
  auto store = test::create_store(server->config_json(with_backoff("50", "200")), logger);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put("k", "v", 60s).is_ok());

  server->kill();
  const auto down_until = std::chrono::steady_clock::now() + 600ms;  // a few backoff rounds
  while (std::chrono::steady_clock::now() < down_until) {
    EXPECT_EQ(store->get("k").status().code(), ErrorCode::unavailable);
    std::this_thread::sleep_for(5ms);
  }
  server->restart();

  const auto deadline = std::chrono::steady_clock::now() + 5s;
  Status last;
  while (std::chrono::steady_clock::now() < deadline) {
    last = store->put("k", "after", 60s);
    if (last.is_ok()) break;
    EXPECT_EQ(last.code(), ErrorCode::unavailable) << last.message();
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(last.is_ok()) << last.message();
  auto got = store->get("k");
  ASSERT_TRUE(got.is_ok()) << got.status().message();
  EXPECT_EQ(got.value(), "after");

  EXPECT_EQ(logger.count(LogLevel::error, "is unreachable"), 1u) << logger.all_text();
  EXPECT_EQ(logger.count(LogLevel::info, "reachable again after "), 1u) << logger.all_text();
  EXPECT_EQ(logger.count(LogLevel::info, " operations failed meanwhile"), 1u);
  EXPECT_GT(store->outage_failures(), 10u);
}

TEST(RedisOutageTest, ARedisDownAtStartUpLetsTheHostStartWithOneWarningAndIsUsedOnceUp) {
  auto server = test::start_server();
  ASSERT_NE(server, nullptr);
  server->stop();
  callagent::testing::RecordingLogger logger;
  auto store = test::create_store(server->config_json(with_backoff("50", "100")), logger);
  ASSERT_NE(store, nullptr) << "create() must succeed while redis is down";
  EXPECT_EQ(logger.count(LogLevel::warn, "is unreachable at start-up: Connection refused; starting anyway"), 1u)
      << logger.all_text();
  EXPECT_EQ(logger.lines().size(), 1u) << logger.all_text();
  EXPECT_EQ(store->ping().code(), ErrorCode::unavailable);

  server->restart();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!store->ping().is_ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(store->ping().is_ok());
  EXPECT_EQ(logger.count(LogLevel::info, "reachable again"), 1u) << logger.all_text();
}

TEST(RedisOutageTest, ACommandWithoutAnswerTimesOutAndItsConnectionIsDropped) {
  auto server = test::start_server();
  ASSERT_NE(server, nullptr);
  callagent::testing::RecordingLogger logger;
  auto store = test::create_store(server->config_json(R"("command_timeout_ms": 300)"), logger);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put("k", "v", 60s).is_ok());

  server->pause();
  const auto started = std::chrono::steady_clock::now();
  auto got = store->get("k");
  const auto took = test::elapsed_since(started);
  server->resume();

  ASSERT_FALSE(got.is_ok());
  EXPECT_EQ(got.status().code(), ErrorCode::timeout) << got.status().message();
  EXPECT_THAT(got.status().message(), HasSubstr("did not answer GET within 300 ms"));
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3000ms);
  // The late reply went with the dropped connection: the next GET gets its own answer.
  ASSERT_TRUE(store->put("k2", "v2", 60s).is_ok());
  auto next = store->get("k2");
  ASSERT_TRUE(next.is_ok()) << next.status().message();
  EXPECT_EQ(next.value(), "v2");
  EXPECT_EQ(store->outage_failures(), 0u);
}

class RedisPasswordTest : public ::testing::Test {
 protected:
  static constexpr const char* kPassword = "correct-horse-battery";
  void SetUp() override {
    server_ = test::start_server({kPassword});
    ASSERT_NE(server_, nullptr);
  }
  std::unique_ptr<testing::RedisServer> server_;
  callagent::testing::RecordingLogger logger_;
};

TEST_F(RedisPasswordTest, TheRightPasswordWorks) {
  auto store = test::create_store(server_->config_json(std::string(R"("password": ")") + kPassword + "\""), logger_);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put("k", "v", 60s).is_ok());
  test::RawClient raw(*server_, kPassword);
  EXPECT_EQ(raw.get("k"), "v");
  EXPECT_THAT(logger_.all_text(), Not(HasSubstr(kPassword)));
}

TEST_F(RedisPasswordTest, AWrongPasswordFailsCreateClearlyWithoutShowingIt) {
  const std::string wrong = "wrong-password-9f8e7d";
  const std::string config = server_->config_json(R"("password": ")" + wrong + "\"");
  auto created = RedisStateStore::create(ProviderContext{config, logger_, ""});
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().code(), ErrorCode::invalid_config);
  EXPECT_THAT(created.status().message(), StartsWith("password: redis at 127.0.0.1:"));
  EXPECT_THAT(created.status().message(), HasSubstr("refused the configured `password`: WRONGPASS"));
  EXPECT_THAT(created.status().message(), Not(HasSubstr(wrong)));
  EXPECT_THAT(logger_.all_text(), Not(HasSubstr(wrong)));
}

TEST_F(RedisPasswordTest, AMissingPasswordFailsCreateSayingOneIsRequired) {
  auto created = RedisStateStore::create(ProviderContext{server_->config_json(), logger_, ""});
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().code(), ErrorCode::invalid_config);
  EXPECT_THAT(created.status().message(), HasSubstr("requires a password and none is configured"));
}

TEST_F(RedisPasswordTest, APasswordChangedWhileRunningFailsOperationsAsUnauthenticated) {
  auto store = test::create_store(server_->config_json(std::string(R"("password": ")") + kPassword + "\""), logger_);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->put("k", "v", 60s).is_ok());
  test::RawClient raw(*server_, kPassword);
  raw.command({"CONFIG", "SET", "requirepass", "a-new-password"});
  raw.command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});

  // The first operation may find its pooled connection killed; the next connects afresh.
  Status status = store->put("k", "v", 60s);
  if (status.code() == ErrorCode::unavailable) status = store->put("k", "v", 60s);
  EXPECT_EQ(status.code(), ErrorCode::unauthenticated) << status.message();
  EXPECT_THAT(status.message(), HasSubstr("refused the configured `password`"));
  EXPECT_THAT(status.message(), Not(HasSubstr(kPassword)));
  EXPECT_EQ(store->outage_failures(), 0u);
}

}  // namespace
}  // namespace callagent::plugins::redis
