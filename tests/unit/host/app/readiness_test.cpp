// /readyz's verdict: each check, the cached state-store ping, and the JSON answer.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "host/app/readiness.h"

namespace callagent::host {
namespace {

using namespace std::chrono_literals;

struct Probe {
  ManualClock clock;
  std::atomic<int> pings{0};
  Status store_status;
  CapacityState capacity{0, 0, 10, false};

  ReadinessCheck make(bool pipeline = true) {
    return ReadinessCheck(ReadinessInputs{pipeline,
                                          [this] {
                                            ++pings;
                                            return store_status;
                                          },
                                          [this] { return capacity; }},
                          clock);
  }
};

TEST(ReadinessTest, ReadyWhenEveryCheckPasses) {
  Probe probe;
  auto readiness = probe.make();
  const auto verdict = readiness.check();
  EXPECT_TRUE(verdict.ready);
  EXPECT_TRUE(verdict.failing.empty());
  EXPECT_EQ(verdict.json(), "{\"ready\":true}\n");
}

TEST(ReadinessTest, NamesEveryFailingCheck) {
  Probe probe;
  probe.store_status = Status(ErrorCode::unavailable, "redis refused the connection");
  probe.capacity = CapacityState{3, 1, 4, true};
  auto readiness = probe.make(/*pipeline=*/false);
  const auto verdict = readiness.check();
  EXPECT_FALSE(verdict.ready);
  ASSERT_EQ(verdict.failing.size(), 4U);
  EXPECT_EQ(verdict.failing[0].first, "pipeline");
  EXPECT_EQ(verdict.failing[1].first, "state_store");
  EXPECT_EQ(verdict.failing[2].first, "draining");
  EXPECT_EQ(verdict.failing[3].first, "capacity");
  EXPECT_EQ(verdict.json(),
            "{\"failing\":{\"capacity\":\"at capacity: 3 live and 1 reserved of 4 calls\","
            "\"draining\":\"the host is shutting down and refuses new calls\","
            "\"pipeline\":\"providers.stt, providers.llm and providers.tts are not all configured\","
            "\"state_store\":\"unavailable: redis refused the connection\"},\"ready\":false}\n");
}

TEST(ReadinessTest, BelowCapacityIsReadyAndAtCapacityIsNot) {
  Probe probe;
  auto readiness = probe.make();
  probe.capacity = CapacityState{9, 0, 10, false};
  EXPECT_TRUE(readiness.check().ready);
  probe.capacity = CapacityState{9, 1, 10, false};
  EXPECT_FALSE(readiness.check().ready);
}

TEST(ReadinessTest, DrainingMakesTheHostUnreadyAtOnce) {
  Probe probe;
  auto readiness = probe.make();
  EXPECT_TRUE(readiness.check().ready);
  probe.capacity.draining = true;
  const auto verdict = readiness.check();
  EXPECT_FALSE(verdict.ready);
  ASSERT_EQ(verdict.failing.size(), 1U);
  EXPECT_EQ(verdict.failing[0].first, "draining");
}

TEST(ReadinessTest, TheStatePingIsCachedForASecond) {
  Probe probe;
  auto readiness = probe.make();
  for (int index = 0; index < 5; ++index) readiness.check();
  EXPECT_EQ(probe.pings, 1);
  probe.store_status = Status(ErrorCode::timeout, "no answer");
  probe.clock.advance(999ms);
  EXPECT_TRUE(readiness.check().ready) << "the cached answer still holds";
  EXPECT_EQ(probe.pings, 1);
  probe.clock.advance(1ms);
  EXPECT_FALSE(readiness.check().ready);
  EXPECT_EQ(probe.pings, 2);
}

TEST(ReadinessTest, ConcurrentProbesShareOnePing) {
  Probe probe;
  auto readiness = probe.make();
  std::vector<std::thread> probes;
  for (int index = 0; index < 8; ++index) probes.emplace_back([&] { readiness.check(); });
  for (auto& thread : probes) thread.join();
  EXPECT_EQ(probe.pings, 1);
}

}  // namespace
}  // namespace callagent::host
