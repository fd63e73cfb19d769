// A host runs for weeks: each finished call must give back everything it took. Checked
// from outside, as an operator would see it: the host's open file descriptors (each stream
// is a socket) return to where they were after calls have come and gone.
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/telephony/host_fixture.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/simulated_call.h"

namespace callagent::testing {
namespace {

using namespace std::chrono_literals;

std::size_t open_descriptors(pid_t pid) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    ++count;
  }
  return count;
}

TEST(ResourceReleaseTest, FinishedCallsGiveBackTheirSockets) {
  TemporaryDirectory directory;
  RunningHost host(directory, fake_pipeline_config(directory, {"hello", "goodbye"}));
  auto short_call = [&] {
    callsim::CallScript script;
    script.wait_for_agent_audio(10s).wait_for_agent_quiet(300ms, 20s).hang_up();
    return callsim::SimulatedCall(host.call_settings(), std::move(script)).run();
  };
  ASSERT_TRUE(short_call().ok);  // warms up thread pools and lazy connections
  std::this_thread::sleep_for(500ms);
  const std::size_t before = open_descriptors(host.process().pid());

  constexpr int kCalls = 6;
  for (int call = 0; call < kCalls; ++call) ASSERT_TRUE(short_call().ok) << host.output();

  // The last call's teardown runs just after its stream closes.
  std::size_t after = open_descriptors(host.process().pid());
  for (int attempt = 0; attempt < 40 && after > before; ++attempt) {
    std::this_thread::sleep_for(50ms);
    after = open_descriptors(host.process().pid());
  }
  EXPECT_LE(after, before + 1) << "open descriptors went from " << before << " to " << after << " over " << kCalls
                               << " calls: finished calls keep their sockets";
}

}  // namespace
}  // namespace callagent::testing
