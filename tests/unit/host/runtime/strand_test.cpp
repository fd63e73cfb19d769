#include "host/runtime/strand.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "host/runtime/worker_pool.h"

namespace callagent::host {
namespace {

// Records tasks so a test can run them by hand, one at a time.
class QueueExecutor final : public Executor {
 public:
  void post(Task task) override { tasks.push_back(std::move(task)); }
  void run_all() {
    while (!tasks.empty()) {
      Task task = std::move(tasks.front());
      tasks.erase(tasks.begin());
      task();
    }
  }
  std::vector<Task> tasks;
};

TEST(StrandTest, RunsTasksInOrderWithOneDrainScheduled) {
  QueueExecutor executor;
  auto strand = std::make_shared<Strand>(executor);
  std::vector<int> order;
  for (int index = 0; index < 5; ++index) strand->post([&order, index] { order.push_back(index); });
  EXPECT_EQ(executor.tasks.size(), 1U) << "one drain for many posts";
  executor.run_all();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(strand->queued(), 0U);
}

TEST(StrandTest, YieldsTheWorkerAfterItsBatchLimit) {
  QueueExecutor executor;
  auto strand = std::make_shared<Strand>(executor, 2);
  int ran = 0;
  for (int index = 0; index < 5; ++index) strand->post([&ran] { ++ran; });
  Task first = std::move(executor.tasks.front());
  executor.tasks.clear();
  first();
  EXPECT_EQ(ran, 2);
  EXPECT_EQ(executor.tasks.size(), 1U) << "the rest is requeued behind other work";
  executor.run_all();
  EXPECT_EQ(ran, 5);
}

TEST(StrandTest, KnowsWhenItIsRunning) {
  QueueExecutor executor;
  auto strand = std::make_shared<Strand>(executor);
  bool inside = false;
  strand->post([&] { inside = strand->running_in_this_thread(); });
  EXPECT_FALSE(strand->running_in_this_thread());
  executor.run_all();
  EXPECT_TRUE(inside);
}

TEST(StrandTest, DispatchRunsAtOnceOnTheCallingThreadWhenIdle) {
  QueueExecutor executor;
  auto strand = std::make_shared<Strand>(executor);
  std::thread::id ran_on;
  bool inside = false;
  strand->dispatch([&] {
    ran_on = std::this_thread::get_id();
    inside = strand->running_in_this_thread();
  });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_TRUE(inside);
  EXPECT_TRUE(executor.tasks.empty()) << "no worker was needed";
  EXPECT_EQ(strand->queued(), 0U);
}

TEST(StrandTest, DispatchQueuesBehindWorkAlreadyWaiting) {
  QueueExecutor executor;
  auto strand = std::make_shared<Strand>(executor);
  std::vector<int> order;
  strand->post([&order] { order.push_back(1); });
  strand->dispatch([&order] { order.push_back(2); });
  EXPECT_TRUE(order.empty()) << "a drain is already scheduled: dispatch must not overtake it";
  executor.run_all();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(StrandTest, DispatchFromInsideATaskKeepsOrder) {
  QueueExecutor executor;
  auto strand = std::make_shared<Strand>(executor);
  std::vector<int> order;
  strand->dispatch([&] {
    strand->dispatch([&order] { order.push_back(2); });
    order.push_back(1);
  });
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_TRUE(executor.tasks.empty());
}

TEST(StrandTest, DispatchOneRunsOnlyItsTaskHereAndHandsTheRestToTheExecutor) {
  QueueExecutor executor;
  auto strand = std::make_shared<Strand>(executor);
  std::vector<int> order;
  bool second_ran_inside_first = false;
  strand->dispatch_one([&] {
    EXPECT_TRUE(strand->running_in_this_thread());
    order.push_back(1);
    strand->post([&order] { order.push_back(2); });  // e.g. work deferred out of a callback
    second_ran_inside_first = order.size() > 1;
  });
  EXPECT_EQ(order, (std::vector<int>{1})) << "only the dispatched task ran on this thread";
  EXPECT_FALSE(second_ran_inside_first);
  ASSERT_EQ(executor.tasks.size(), 1U) << "the rest went to a worker";
  executor.run_all();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(StrandTest, DispatchOneQueuesBehindWorkAlreadyWaitingAndLeavesTheStrandIdle) {
  QueueExecutor executor;
  auto strand = std::make_shared<Strand>(executor);
  std::vector<int> order;
  strand->post([&order] { order.push_back(1); });
  strand->dispatch_one([&order] { order.push_back(2); });
  EXPECT_TRUE(order.empty()) << "a drain is already scheduled: it must not be overtaken";
  executor.run_all();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  strand->dispatch_one([&order] { order.push_back(3); });
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3})) << "idle again: runs at once";
  EXPECT_TRUE(executor.tasks.empty());
}

TEST(StrandTest, SurvivesAThrowingTaskAndRunsTheNext) {
  QueueExecutor executor;
  auto strand = std::make_shared<Strand>(executor);
  bool next_ran = false;
  strand->post([] { throw std::runtime_error("one call's fault"); });
  strand->post([&] { next_ran = true; });
  executor.run_all();
  EXPECT_TRUE(next_ran);
}

TEST(StrandTest, NeverRunsTwoTasksOfOneStrandAtOnceOnAPool) {
  WorkerPool pool(4, "test");
  constexpr int kStrands = 8;
  constexpr int kTasksPerStrand = 2000;
  std::vector<std::shared_ptr<Strand>> strands;
  std::vector<int> counters(kStrands, 0);  // unsynchronised on purpose: the strand serialises
  std::vector<std::atomic<int>> inside(kStrands);
  std::atomic<int> overlaps{0};
  std::atomic<int> done{0};
  for (int index = 0; index < kStrands; ++index) strands.push_back(std::make_shared<Strand>(pool, 3));
  for (int task = 0; task < kTasksPerStrand; ++task) {
    for (int index = 0; index < kStrands; ++index) {
      strands[index]->post([&, index] {
        if (inside[index].fetch_add(1) != 0) ++overlaps;
        ++counters[index];
        inside[index].fetch_sub(1);
        ++done;
      });
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (done.load() < kStrands * kTasksPerStrand && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  pool.stop();
  EXPECT_EQ(overlaps.load(), 0);
  for (int count : counters) EXPECT_EQ(count, kTasksPerStrand);
}

TEST(WorkerPoolTest, StopRunsWhatWasQueuedAndDropsLaterPosts) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(2, "test");
    for (int index = 0; index < 100; ++index) pool.post([&] { ++ran; });
    pool.stop();
    pool.post([&] { ran += 1000; });
  }
  EXPECT_EQ(ran.load(), 100);
}

}  // namespace
}  // namespace callagent::host
