#include "plugins/state/memory/memory_state.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <latch>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/fakes/recording_logger.h"

using namespace std::chrono_literals;

namespace callagent::plugins {
namespace {

// Time moves only when a test says so. The store reads it with its own mutex held; tests
// advance it only while no other thread uses the store.
class FakeClock {
 public:
  MemoryStateStore::NowFunction function() {
    return [this] { return now_; };
  }
  void advance(std::chrono::steady_clock::duration step) { now_ += step; }

 private:
  MemoryStateStore::TimePoint now_{std::chrono::hours(1)};
};

std::optional<std::string> value_of(MemoryStateStore& store, std::string_view key) {
  auto result = store.get(key);
  EXPECT_TRUE(result.is_ok()) << result.status().message();
  return result.is_ok() ? result.value() : std::nullopt;
}

// put_if_absent's answer, failing the test on an error.
bool claimed(MemoryStateStore& store, std::string_view key, std::string_view value,
             std::chrono::seconds ttl) {
  auto result = store.put_if_absent(key, value, ttl);
  EXPECT_TRUE(result.is_ok()) << result.status().message();
  return result.is_ok() && result.value();
}

// --- config ---------------------------------------------------------------------------

void expect_config_error(std::string_view config_json, std::string_view message) {
  const Status status = MemoryStateStore::validate_config(config_json);
  EXPECT_EQ(status.code(), ErrorCode::invalid_config) << config_json;
  EXPECT_EQ(status.message(), message) << config_json;
}

TEST(MemoryStateConfigTest, AcceptsEmptyObjectEmptyTextAndAPositiveMaxEntries) {
  EXPECT_TRUE(MemoryStateStore::validate_config("{}").is_ok());
  EXPECT_TRUE(MemoryStateStore::validate_config("").is_ok());
  EXPECT_TRUE(MemoryStateStore::validate_config(" \n").is_ok());
  EXPECT_TRUE(MemoryStateStore::validate_config(R"({"max_entries": 1})").is_ok());
  EXPECT_TRUE(MemoryStateStore::validate_config(R"({"max_entries": 5000000})").is_ok());
}

TEST(MemoryStateConfigTest, RefusesMaxEntriesThatIsNotAnIntegerAtLeastOne) {
  expect_config_error(R"({"max_entries": "abc"})", R"(max_entries: expected an integer >= 1, got "abc")");
  expect_config_error(R"({"max_entries": 0})", "max_entries: expected an integer >= 1, got 0");
  expect_config_error(R"({"max_entries": -5})", "max_entries: expected an integer >= 1, got -5");
  expect_config_error(R"({"max_entries": 1.5})", "max_entries: expected an integer >= 1, got 1.5");
  expect_config_error(R"({"max_entries": 100.0})", "max_entries: expected an integer >= 1, got 100.0");
  expect_config_error(R"({"max_entries": null})", "max_entries: expected an integer >= 1, got null");
  expect_config_error(R"({"max_entries": true})", "max_entries: expected an integer >= 1, got true");
}

TEST(MemoryStateConfigTest, CutsALongBadValueInItsMessage) {
  const std::string long_text(200, 'x');
  expect_config_error(R"({"max_entries": ")" + long_text + R"("})",
                      "max_entries: expected an integer >= 1, got \"" + std::string(59, 'x') + "...");
}

TEST(MemoryStateConfigTest, RefusesUnknownKeys) {
  expect_config_error(R"({"unknown_key": 1})", "unknown_key: unknown key (known: max_entries)");
  expect_config_error(R"({"max_entries": 10, "ttl_seconds": 5})",
                      "ttl_seconds: unknown key (known: max_entries)");
}

TEST(MemoryStateConfigTest, RefusesConfigThatIsNotAnObject) {
  expect_config_error("[1, 2]", "config must be a JSON object, got array");
  expect_config_error("3", "config must be a JSON object, got number");
  expect_config_error(R"("max_entries")", "config must be a JSON object, got string");
  expect_config_error("null", "config must be a JSON object, got null");
  expect_config_error(R"({"max_entries": )",
                      "config must be a JSON object; this text is not JSON (error at byte 17)");
}

TEST(MemoryStateConfigTest, CreateRefusesWhatValidateRefuses) {
  testing::RecordingLogger logger;
  const ProviderContext context{R"({"max_entries": 0})", logger, "/plugins"};
  auto created = MemoryStateStore::create(context);
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().code(), ErrorCode::invalid_config);
  EXPECT_EQ(created.status().message(), "max_entries: expected an integer >= 1, got 0");
  EXPECT_TRUE(logger.lines().empty());
}

TEST(MemoryStateConfigTest, CreateDefaultsToAMillionEntriesAndSaysSo) {
  testing::RecordingLogger logger;
  const ProviderContext context{"{}", logger, "/plugins"};
  auto created = MemoryStateStore::create(context);
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  EXPECT_EQ(logger.count(LogLevel::info, "at most 1000000 keys"), 1U);

  MemoryStateStore& store = *created.value();
  ASSERT_TRUE(store.put("k", "v", 60s).is_ok());
  EXPECT_EQ(value_of(store, "k"), "v");
  EXPECT_TRUE(store.ping().is_ok());
}

TEST(MemoryStateConfigTest, CreateAppliesMaxEntries) {
  testing::RecordingLogger logger;
  const ProviderContext context{R"({"max_entries": 2})", logger, "/plugins"};
  auto created = MemoryStateStore::create(context);
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  EXPECT_EQ(logger.count(LogLevel::info, "at most 2 keys"), 1U);

  MemoryStateStore& store = *created.value();
  EXPECT_TRUE(store.put("a", "1", 60s).is_ok());
  EXPECT_TRUE(store.put("b", "2", 60s).is_ok());
  EXPECT_EQ(store.put("c", "3", 60s).code(), ErrorCode::capacity);
}

// --- get / put / erase ------------------------------------------------------------------

class MemoryStateStoreTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  MemoryStateStore store_{100, clock_.function()};
};

TEST_F(MemoryStateStoreTest, GetOfAnAbsentKeyIsNullopt) {
  EXPECT_EQ(value_of(store_, "callagent:call:missing"), std::nullopt);
}

TEST_F(MemoryStateStoreTest, PutThenGetReturnsTheValue) {
  ASSERT_TRUE(store_.put("callagent:call:1", R"({"sid":"CA1"})", 60s).is_ok());
  EXPECT_EQ(value_of(store_, "callagent:call:1"), R"({"sid":"CA1"})");
  EXPECT_EQ(value_of(store_, "callagent:call:2"), std::nullopt);
}

TEST_F(MemoryStateStoreTest, KeysAndValuesAreCopied) {
  std::string key = "k";
  std::string value = "v";
  ASSERT_TRUE(store_.put(key, value, 60s).is_ok());
  key = "other";
  value = "changed";
  EXPECT_EQ(value_of(store_, "k"), "v");
}

TEST_F(MemoryStateStoreTest, EmptyValueIsStoredAndDiffersFromAbsent) {
  ASSERT_TRUE(store_.put("k", "", 60s).is_ok());
  EXPECT_EQ(value_of(store_, "k"), "");
}

TEST_F(MemoryStateStoreTest, PutOverwritesTheValue) {
  ASSERT_TRUE(store_.put("k", "first", 60s).is_ok());
  ASSERT_TRUE(store_.put("k", "second", 60s).is_ok());
  EXPECT_EQ(value_of(store_, "k"), "second");
  EXPECT_EQ(store_.size_for_testing(), 1U);
}

TEST_F(MemoryStateStoreTest, KeyExpiresExactlyAtItsTtl) {
  ASSERT_TRUE(store_.put("k", "v", 10s).is_ok());
  clock_.advance(10s - 1ns);
  EXPECT_EQ(value_of(store_, "k"), "v");
  clock_.advance(1ns);
  EXPECT_EQ(value_of(store_, "k"), std::nullopt);
}

TEST_F(MemoryStateStoreTest, OverwriteRestartsTheTtl) {
  ASSERT_TRUE(store_.put("k", "first", 10s).is_ok());
  clock_.advance(8s);
  ASSERT_TRUE(store_.put("k", "second", 10s).is_ok());
  clock_.advance(8s);
  EXPECT_EQ(value_of(store_, "k"), "second");
  clock_.advance(2s);
  EXPECT_EQ(value_of(store_, "k"), std::nullopt);
}

TEST_F(MemoryStateStoreTest, OverwriteMayShortenTheTtl) {
  ASSERT_TRUE(store_.put("k", "v", 100s).is_ok());
  ASSERT_TRUE(store_.put("k", "v", 1s).is_ok());
  clock_.advance(1s);
  EXPECT_EQ(value_of(store_, "k"), std::nullopt);
}

TEST_F(MemoryStateStoreTest, TtlBeyondTheClockRangeNeverExpires) {
  ASSERT_TRUE(store_.put("forever", "v", std::chrono::seconds::max()).is_ok());
  ASSERT_TRUE(store_.put("century", "v", std::chrono::hours(24 * 365 * 100)).is_ok());
  clock_.advance(std::chrono::hours(24 * 365 * 100) - 1s);
  EXPECT_EQ(value_of(store_, "forever"), "v");
  EXPECT_EQ(value_of(store_, "century"), "v");
  clock_.advance(1s);
  EXPECT_EQ(value_of(store_, "century"), std::nullopt);
  EXPECT_EQ(value_of(store_, "forever"), "v");
}

TEST_F(MemoryStateStoreTest, RefusesTtlThatIsNotPositive) {
  const Status zero = store_.put("k", "v", 0s);
  EXPECT_EQ(zero.code(), ErrorCode::invalid_argument);
  EXPECT_EQ(zero.message(), "ttl must be > 0 seconds, got 0");
  EXPECT_EQ(store_.put("k", "v", -3s).message(), "ttl must be > 0 seconds, got -3");

  auto claim = store_.put_if_absent("k", "v", -1s);
  ASSERT_FALSE(claim.is_ok());
  EXPECT_EQ(claim.status().code(), ErrorCode::invalid_argument);
  EXPECT_EQ(claim.status().message(), "ttl must be > 0 seconds, got -1");

  EXPECT_EQ(value_of(store_, "k"), std::nullopt);
  EXPECT_EQ(store_.size_for_testing(), 0U);
}

TEST_F(MemoryStateStoreTest, EraseRemovesTheKeyAndAbsentKeysAreFine) {
  ASSERT_TRUE(store_.put("k", "v", 60s).is_ok());
  ASSERT_TRUE(store_.put("other", "w", 60s).is_ok());
  EXPECT_TRUE(store_.erase("k").is_ok());
  EXPECT_EQ(value_of(store_, "k"), std::nullopt);
  EXPECT_EQ(value_of(store_, "other"), "w");
  EXPECT_TRUE(store_.erase("k").is_ok());
  EXPECT_TRUE(store_.erase("never-there").is_ok());
  EXPECT_EQ(store_.size_for_testing(), 1U);
  EXPECT_EQ(store_.expiry_index_size_for_testing(), 1U);
}

TEST_F(MemoryStateStoreTest, PingIsOk) { EXPECT_TRUE(store_.ping().is_ok()); }

// --- put_if_absent ------------------------------------------------------------------------

TEST_F(MemoryStateStoreTest, PutIfAbsentClaimsOnlyOnce) {
  EXPECT_TRUE(claimed(store_, "conversation:7", "stream-a", 60s));
  EXPECT_FALSE(claimed(store_, "conversation:7", "stream-b", 60s));
  EXPECT_EQ(value_of(store_, "conversation:7"), "stream-a");
}

TEST_F(MemoryStateStoreTest, PutIfAbsentFailsOverAKeyStoredByPut) {
  ASSERT_TRUE(store_.put("k", "put", 60s).is_ok());
  EXPECT_FALSE(claimed(store_, "k", "claim", 60s));
  EXPECT_EQ(value_of(store_, "k"), "put");
}

TEST_F(MemoryStateStoreTest, PutIfAbsentTreatsAnExpiredKeyAsAbsent) {
  EXPECT_TRUE(claimed(store_, "k", "old", 5s));
  clock_.advance(5s);
  EXPECT_TRUE(claimed(store_, "k", "new", 20s));
  EXPECT_EQ(value_of(store_, "k"), "new");
  clock_.advance(19s);  // the new claim's own TTL, not the old one's, applies
  EXPECT_EQ(value_of(store_, "k"), "new");
  EXPECT_FALSE(claimed(store_, "k", "late", 20s));
  EXPECT_EQ(store_.size_for_testing(), 1U);
}

TEST_F(MemoryStateStoreTest, PutIfAbsentSucceedsAfterErase) {
  EXPECT_TRUE(claimed(store_, "k", "a", 60s));
  ASSERT_TRUE(store_.erase("k").is_ok());
  EXPECT_TRUE(claimed(store_, "k", "b", 60s));
  EXPECT_EQ(value_of(store_, "k"), "b");
}

// --- capacity -----------------------------------------------------------------------------

TEST(MemoryStateCapacityTest, RefusesANewKeyWhenFullButAllowsOverwrites) {
  FakeClock clock;
  MemoryStateStore store(2, clock.function());
  ASSERT_TRUE(store.put("a", "1", 60s).is_ok());
  ASSERT_TRUE(store.put("b", "2", 60s).is_ok());

  const Status full = store.put("c", "3", 60s);
  EXPECT_EQ(full.code(), ErrorCode::capacity);
  EXPECT_EQ(full.message(),
            "state store full: it holds max_entries (2) live keys; a new key fits once one "
            "expires or is erased");
  EXPECT_EQ(value_of(store, "c"), std::nullopt);

  auto claim = store.put_if_absent("c", "3", 60s);
  ASSERT_FALSE(claim.is_ok());
  EXPECT_EQ(claim.status().code(), ErrorCode::capacity);
  // A stored key is "not absent" even when full: that is an answer, not a capacity error.
  auto taken = store.put_if_absent("a", "x", 60s);
  ASSERT_TRUE(taken.is_ok());
  EXPECT_FALSE(taken.value());

  EXPECT_TRUE(store.put("a", "1 again", 60s).is_ok());
  EXPECT_EQ(value_of(store, "a"), "1 again");
  EXPECT_EQ(store.size_for_testing(), 2U);

  ASSERT_TRUE(store.erase("b").is_ok());
  EXPECT_TRUE(store.put("c", "3", 60s).is_ok());
  EXPECT_EQ(value_of(store, "c"), "3");
}

TEST(MemoryStateCapacityTest, ExpiredKeysDoNotCountAgainstCapacity) {
  FakeClock clock;
  MemoryStateStore store(2, clock.function());
  ASSERT_TRUE(store.put("a", "1", 5s).is_ok());
  ASSERT_TRUE(store.put("b", "2", 60s).is_ok());
  EXPECT_EQ(store.put("c", "3", 60s).code(), ErrorCode::capacity);
  clock.advance(5s);
  EXPECT_TRUE(store.put("c", "3", 60s).is_ok());
  auto claim = store.put_if_absent("a", "1 again", 60s);  // absent, but b and c fill the store
  ASSERT_FALSE(claim.is_ok());
  EXPECT_EQ(claim.status().code(), ErrorCode::capacity);
  EXPECT_EQ(store.size_for_testing(), 2U);
}

// --- reclaiming memory --------------------------------------------------------------------

TEST(MemoryStateReclaimTest, ExpiredKeysAreReclaimedByLaterWrites) {
  FakeClock clock;
  MemoryStateStore store(10, clock.function());
  for (int call = 0; call < 10'000; ++call) {
    const std::string key = "callagent:call:" + std::to_string(call);
    ASSERT_TRUE(store.put(key, "state", 1s).is_ok()) << "call " << call;
    ASSERT_LE(store.size_for_testing(), 1U) << "call " << call;
    clock.advance(2s);
  }
  EXPECT_EQ(store.expiry_index_size_for_testing(), 1U);
  ASSERT_TRUE(store.erase("anything").is_ok());  // a write reclaims the last expired key
  EXPECT_EQ(store.size_for_testing(), 0U);
  EXPECT_EQ(store.expiry_index_size_for_testing(), 0U);
}

TEST(MemoryStateReclaimTest, OverwritesKeepOneIndexNodePerKey) {
  FakeClock clock;
  MemoryStateStore store(10, clock.function());
  for (int round = 0; round < 10'000; ++round) {
    ASSERT_TRUE(store.put("hot", std::to_string(round), 3600s).is_ok());
    ASSERT_TRUE(store.put("cold", "x", 3600s).is_ok());
    clock.advance(1s);
  }
  EXPECT_EQ(store.size_for_testing(), 2U);
  EXPECT_EQ(store.expiry_index_size_for_testing(), 2U);
  EXPECT_EQ(value_of(store, "hot"), "9999");
}

TEST(MemoryStateReclaimTest, ReclaimsOnlyTheExpiredKeys) {
  FakeClock clock;
  MemoryStateStore store(10, clock.function());
  ASSERT_TRUE(store.put("short", "1", 1s).is_ok());
  ASSERT_TRUE(store.put("long", "2", 100s).is_ok());
  ASSERT_TRUE(store.put("middle", "3", 10s).is_ok());
  clock.advance(10s);
  ASSERT_TRUE(store.put("new", "4", 100s).is_ok());
  EXPECT_EQ(store.size_for_testing(), 2U);
  EXPECT_EQ(value_of(store, "long"), "2");
  EXPECT_EQ(value_of(store, "new"), "4");
}

// --- clock and errors ---------------------------------------------------------------------

TEST(MemoryStateClockTest, AnEmptyClockMeansTheSteadyClock) {
  MemoryStateStore store(10, nullptr);
  ASSERT_TRUE(store.put("k", "v", 60s).is_ok());
  EXPECT_EQ(value_of(store, "k"), "v");
}

TEST(MemoryStateClockTest, AnExceptionInsideAnOperationBecomesAnInternalError) {
  bool clock_broken = false;
  MemoryStateStore store(10, [&clock_broken] {
    if (clock_broken) throw std::runtime_error("clock broke");
    return MemoryStateStore::TimePoint(std::chrono::hours(1));
  });
  ASSERT_TRUE(store.put("k", "v", 60s).is_ok());
  clock_broken = true;

  const Status put = store.put("k", "w", 60s);
  EXPECT_EQ(put.code(), ErrorCode::internal);
  EXPECT_EQ(put.message(), "state_memory: clock broke");
  auto got = store.get("k");
  ASSERT_FALSE(got.is_ok());
  EXPECT_EQ(got.status().code(), ErrorCode::internal);
  auto claim = store.put_if_absent("new", "v", 60s);
  ASSERT_FALSE(claim.is_ok());
  EXPECT_EQ(claim.status().code(), ErrorCode::internal);
  EXPECT_EQ(store.erase("k").code(), ErrorCode::internal);

  clock_broken = false;  // the failed calls changed nothing
  EXPECT_EQ(value_of(store, "k"), "v");
  EXPECT_EQ(store.size_for_testing(), 1U);
}

// --- threads ------------------------------------------------------------------------------

TEST(MemoryStateConcurrencyTest, ExactlyOneThreadClaimsEachKey) {
  constexpr int kThreads = 8;
  constexpr int kKeys = 2000;
  FakeClock clock;
  MemoryStateStore store(kKeys, clock.function());

  std::vector<std::vector<char>> won(kThreads, std::vector<char>(kKeys, 0));
  std::vector<std::vector<char>> failed(kThreads, std::vector<char>(kKeys, 0));
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      start.arrive_and_wait();
      for (int key = 0; key < kKeys; ++key) {
        auto result = store.put_if_absent("conversation:" + std::to_string(key),
                                          "thread-" + std::to_string(thread), 60s);
        if (!result.is_ok()) {
          failed[thread][key] = 1;
        } else if (result.value()) {
          won[thread][key] = 1;
        }
        (void)store.get("conversation:" + std::to_string(key));
      }
    });
  }
  for (auto& thread : threads) thread.join();

  for (int key = 0; key < kKeys; ++key) {
    int winners = 0;
    int winner = -1;
    for (int thread = 0; thread < kThreads; ++thread) {
      ASSERT_EQ(failed[thread][key], 0) << "thread " << thread << " key " << key;
      if (won[thread][key] != 0) {
        ++winners;
        winner = thread;
      }
    }
    ASSERT_EQ(winners, 1) << "key " << key;
    EXPECT_EQ(value_of(store, "conversation:" + std::to_string(key)),
              "thread-" + std::to_string(winner));
  }
  EXPECT_EQ(store.size_for_testing(), static_cast<std::size_t>(kKeys));
}

}  // namespace
}  // namespace callagent::plugins
