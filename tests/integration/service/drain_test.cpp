// SIGTERM during live calls, as `systemctl stop` or `docker stop` sends it: the host stops
// taking calls at once (readiness false, new webhooks get the busy answer), lets the calls
// in progress finish up to server.shutdown_timeout_seconds, then says the closing line to
// the rest and hangs up; every transcript is on disk when the process exits, and it exits 0.
#include <csignal>
#include <future>
#include <regex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/telephony/host_fixture.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/simulated_call.h"

namespace callagent::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

constexpr int kShutdownTimeoutSeconds = 3;

std::size_t streams_started(const RunningHost& host) {
  const std::string output = host.output();
  const std::regex started(R"(stream MZ\w+ started for call)");
  return static_cast<std::size_t>(
      std::distance(std::sregex_iterator(output.begin(), output.end(), started), std::sregex_iterator()));
}

TEST(DrainTest, SigtermFinishesLiveCallsThenHangsUpTheRestWithEveryTranscriptWritten) {
  TemporaryDirectory directory;
  auto config = fake_pipeline_config(directory, {"goodbye"});
  config["server"]["shutdown_timeout_seconds"] = kShutdownTimeoutSeconds;
  RunningHost host(directory, config);

  // One caller who finishes by themselves during the drain, two who would talk forever.
  auto finishing_caller = [&] {
    callsim::CallScript script;
    script.wait_for_agent_audio(10s)
        .wait_for_agent_quiet(400ms, 20s)
        .silence(1500ms)  // SIGTERM arrives here
        .play(tone(800ms), "goodbye")
        .wait_for_host_close(20s);
    return callsim::SimulatedCall(host.call_settings(), std::move(script)).run();
  };
  auto lingering_caller = [&] {
    callsim::CallScript script;
    script.wait_for_agent_audio(10s).wait_for_host_close(60s);
    return callsim::SimulatedCall(host.call_settings(), std::move(script)).run();
  };
  auto finishing = std::async(std::launch::async, finishing_caller);
  auto lingering_1 = std::async(std::launch::async, lingering_caller);
  auto lingering_2 = std::async(std::launch::async, lingering_caller);
  for (int attempt = 0; attempt < 200 && streams_started(host) < 3; ++attempt) std::this_thread::sleep_for(50ms);
  ASSERT_EQ(streams_started(host), 3U) << host.output();
  std::this_thread::sleep_for(1000ms);  // the greetings are playing
  ASSERT_EQ(http_request(host.port(), "GET", "/readyz").status, 200);

  host.process().send_signal(SIGTERM);
  const auto sigterm_at = Clock::now();

  // At once: not ready, and a new call hears the busy answer instead of a stream.
  int readiness = 200;
  for (int attempt = 0; attempt < 50 && readiness == 200; ++attempt) {
    readiness = http_request(host.port(), "GET", "/readyz").status;
    if (readiness == 200) std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(readiness, 503);
  {
    callsim::CallScript script;
    script.hang_up();
    const auto refused = callsim::SimulatedCall(host.call_settings(), std::move(script)).run();
    EXPECT_FALSE(refused.ok);
    EXPECT_EQ(refused.webhook_status, 200);
    EXPECT_THAT(refused.webhook_body, HasSubstr("<Hangup"));
    EXPECT_THAT(refused.webhook_body, Not(HasSubstr("<Stream")));
  }

  // The finishing caller said goodbye on their own; the others were ended by the host,
  // no sooner than the shutdown timeout allowed.
  const auto finished = finishing.get();
  EXPECT_TRUE(finished.ok) << finished.error;
  const auto first = lingering_1.get();
  const auto second = lingering_2.get();
  const auto lingering_ended_after = Clock::now() - sigterm_at;
  for (const auto* report : {&first, &second}) {
    EXPECT_TRUE(report->ok) << report->error << "\n" << host.output();
    ASSERT_TRUE(report->stream_close);
    EXPECT_TRUE(report->stream_close->initiated_by_host);
  }
  EXPECT_GE(lingering_ended_after, std::chrono::seconds(kShutdownTimeoutSeconds) - 200ms)
      << "live calls were cut before server.shutdown_timeout_seconds";

  const auto exit_code = host.process().wait_for_exit(20s);
  ASSERT_TRUE(exit_code.has_value()) << "the host did not exit:\n" << host.output();
  EXPECT_EQ(*exit_code, 0) << host.output();

  // Every transcript is on disk, complete, with how each call ended.
  const auto records = transcript_records(directory);
  ASSERT_EQ(records.size(), 3U) << host.output();
  std::map<std::string, nlohmann::json> by_conversation;
  for (const auto& record : records) by_conversation[record["conversation_id"]] = record;
  ASSERT_TRUE(by_conversation.count(finished.conversation_id));
  EXPECT_EQ(by_conversation[finished.conversation_id]["ended_reason"], "goodbye");
  for (const auto* report : {&first, &second}) {
    ASSERT_TRUE(by_conversation.count(report->conversation_id));
    const auto& record = by_conversation[report->conversation_id];
    EXPECT_EQ(record["ended_reason"], "shutdown");
    EXPECT_EQ(record["turns"].back()["text"], "Goodbye!") << "the closing line was said";
  }
}

}  // namespace
}  // namespace callagent::testing
