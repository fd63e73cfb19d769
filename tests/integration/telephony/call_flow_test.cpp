// A whole call through the real host: Twilio's webhook, the Media Stream, caller audio
// in real time, the agent's audio with marks, a barge-in with `clear`, the goodbye, and
// the transcript file the events_jsonfile plugin wrote.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/telephony/host_fixture.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/simulated_call.h"

namespace callagent::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

TEST(CallFlowTest, MultiTurnCallWithBargeInEndsOnGoodbyeAndWritesTheTranscript) {
  TemporaryDirectory directory;
  RunningHost host(directory, fake_pipeline_config(directory, {"I would like to book an appointment",
                                                              "wait a moment please", "goodbye"}));
  callsim::CallScript script;
  script.wait_for_agent_audio(10s)
      .wait_for_agent_quiet(400ms, 20s)
      .play(tone(1200ms), "turn 1")
      .wait_for_agent_audio(10s)
      .barge_in(callsim::CallerUtterance::from_audio(tone(1200ms), "barge-in"), 500ms, 20s)
      .wait_for_agent_quiet(400ms, 20s)
      .play(tone(800ms), "goodbye")
      .wait_for_host_close(20s);
  callsim::SimulatedCall call(host.call_settings(), std::move(script));
  const auto report = call.run();
  ASSERT_TRUE(report.ok) << report.error << "\nhost output:\n" << host.output();

  EXPECT_EQ(report.webhook_status, 200);
  EXPECT_GT(report.agent_bytes_received, 8000U) << "agent audio came back";
  EXPECT_GT(report.marks_returned, 5U);
  EXPECT_GE(report.clears_received, 1U) << "the barge-in cleared Twilio's buffer";
  ASSERT_TRUE(report.stream_close);
  EXPECT_EQ(report.stream_close->code, 1000);
  EXPECT_TRUE(report.stream_close->initiated_by_host) << "the host hung up after the goodbye";

  // The transcript is written when the call ends; give the writer a moment.
  const auto records = wait_for_transcripts(directory, 1);
  ASSERT_EQ(records.size(), 1U);
  const auto& record = records[0];
  EXPECT_EQ(record["conversation_id"], report.conversation_id);
  EXPECT_EQ(record["ended_reason"], "goodbye");
  EXPECT_EQ(record["user_id"], "+15555550100");
  const auto& turns = record["turns"];
  std::vector<std::string> caller_lines;
  bool agent_was_interrupted = false;
  for (const auto& turn : turns) {
    if (turn["speaker"] == "caller") caller_lines.push_back(turn["text"]);
    if (turn["speaker"] == "agent" && turn["interrupted"] == true) agent_was_interrupted = true;
  }
  EXPECT_THAT(caller_lines, ::testing::ElementsAre("I would like to book an appointment",
                                                   "wait a moment please", "goodbye"));
  EXPECT_TRUE(agent_was_interrupted) << record.dump(2);
  EXPECT_EQ(turns.front()["text"], "Hello, how can I help?");
  EXPECT_EQ(turns.back()["text"], "Goodbye!");
  EXPECT_THAT(record["transcript"].get<std::string>(), HasSubstr("Caller: goodbye\nAgent: Goodbye!"));

  // The call record answers GET /call/{id} too.
  const auto answer = http_request(host.port(), "GET", "/call/" + report.conversation_id, "", kTestApiToken);
  EXPECT_EQ(answer.status, 200);
  const auto stored = nlohmann::json::parse(answer.body);
  EXPECT_EQ(stored["status"], "completed");
  EXPECT_EQ(stored["turns"].size(), turns.size());
}

}  // namespace
}  // namespace callagent::testing
