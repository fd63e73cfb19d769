// Several hosts as one service: the call's record lives in a real Redis (state_redis), so
// the webhook may land on one host and the Media Stream on another, and any host answers
// GET /call/{id}. First two hosts side by side, then behind Debian's nginx as a
// round-robin WebSocket load balancer, with no sticky sessions.
#include <atomic>
#include <future>
#include <regex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/scale_out/nginx_proxy.h"
#include "tests/integration/telephony/host_fixture.h"
#include "tests/support/redis_server.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/simulated_call.h"

namespace callagent::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

const std::vector<std::string> kCallerLines = {"what are your opening hours", "goodbye"};

// The fake pipeline with its state in the shared Redis.
nlohmann::json shared_state_config(const TemporaryDirectory& directory, const RedisServer& redis,
                                   const std::string& public_url = {}) {
  auto config = fake_pipeline_config(directory, kCallerLines);
  config["providers"]["state"] = {{"plugin", "state_redis"},
                                  {"config", {{"host", redis.host()}, {"port", redis.port()}}}};
  if (!public_url.empty()) config["server"]["base_url"] = public_url;
  return config;
}


bool took_webhook(const RunningHost& host, const std::string& call_sid) {
  return host.output().find("call " + call_sid + " inbound") != std::string::npos;
}
bool served_stream(const RunningHost& host, const std::string& call_sid) {
  return std::regex_search(host.output(), std::regex("stream MZ\\w+ started for call " + call_sid));
}

// The call's record as `port` answers for it, once its status is `status`: the last write
// happens on the host's blocking pool just after the stream closes. Whatever it is after 5 s.
nlohmann::json call_record_from(std::uint16_t port, const std::string& conversation_id,
                                const std::string& status = "completed") {
  nlohmann::json record;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const auto answer = http_request(port, "GET", "/call/" + conversation_id, "", kTestApiToken);
    record = nlohmann::json::parse(answer.body, nullptr, false);
    if (answer.status == 200 && record.is_object() && record.value("status", "") == status) return record;
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "GET /call/" << conversation_id << " on port " << port << " never showed status " << status
                << ": " << record.dump();
  return record;
}

TEST(ScaleOutTest, WebhookOnOneHostStreamOnAnotherSharingRedis) {
  RedisServer redis;
  TemporaryDirectory directory_a;
  TemporaryDirectory directory_b;
  // Host B's address plays the public URL: host A's TwiML sends the stream there.
  RunningHost host_b(directory_b, shared_state_config(directory_b, redis));
  RunningHost host_a(directory_a, shared_state_config(directory_a, redis, host_b.base_url()));

  callsim::CallSettings settings = host_a.call_settings();  // the webhook goes to A
  settings.public_base_url = host_b.base_url();              // what Twilio believes it called
  settings.connect_stream_via_host = false;                  // the stream goes where the TwiML says
  callsim::SimulatedCall call(settings, greeting_turn_goodbye());
  const auto report = call.run();
  ASSERT_TRUE(report.ok) << report.error << "\nhost A:\n" << host_a.output() << "\nhost B:\n" << host_b.output();

  EXPECT_TRUE(took_webhook(host_a, report.call_sid)) << host_a.output();
  EXPECT_FALSE(served_stream(host_a, report.call_sid));
  EXPECT_TRUE(served_stream(host_b, report.call_sid)) << host_b.output();
  EXPECT_GT(report.agent_bytes_received, 8000U);
  ASSERT_TRUE(report.stream_close);
  EXPECT_TRUE(report.stream_close->initiated_by_host) << "B hung up after the goodbye";

  // B, which served the call, wrote its transcript.
  const auto records = wait_for_transcripts(directory_b, 1);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0]["conversation_id"], report.conversation_id);
  EXPECT_TRUE(transcript_records(directory_a).empty());

  // Either host answers for the call, from Redis.
  for (const auto port : {host_a.port(), host_b.port()}) {
    const auto stored = call_record_from(port, report.conversation_id);
    EXPECT_EQ(stored.value("status", ""), "completed") << "from port " << port << ": " << stored.dump();
    EXPECT_EQ(stored.value("call_sid", ""), report.call_sid);
  }
}

TEST(ScaleOutTest, CallsThroughNginxRoundRobinNeedNoStickySessions) {
  RedisServer redis;
  const std::uint16_t proxy_port = free_port();
  const std::string public_url = "http://127.0.0.1:" + std::to_string(proxy_port);
  TemporaryDirectory directory_a;
  TemporaryDirectory directory_b;
  RunningHost host_a(directory_a, shared_state_config(directory_a, redis, public_url));
  RunningHost host_b(directory_b, shared_state_config(directory_b, redis, public_url));
  NginxProxy proxy({host_a.port(), host_b.port()}, proxy_port);

  auto settings = host_a.call_settings();
  settings.host_url = proxy.base_url();
  auto failure_context = [&] {
    return "\nhost A:\n" + host_a.output() + "\nhost B:\n" + host_b.output() + "\nnginx:\n" + proxy.error_log();
  };

  // One call alone: round robin sends its webhook and its stream to different hosts.
  const auto first = callsim::SimulatedCall(settings, greeting_turn_goodbye()).run();
  ASSERT_TRUE(first.ok) << first.error << failure_context();
  const bool a_took_webhook = took_webhook(host_a, first.call_sid);
  EXPECT_NE(a_took_webhook, took_webhook(host_b, first.call_sid));
  EXPECT_EQ(served_stream(host_a, first.call_sid), !a_took_webhook)
      << "the stream went to the host that did not take the webhook" << failure_context();

  // Then several at once, spread over both hosts.
  constexpr int kConcurrentCalls = 4;
  std::vector<std::future<callsim::CallReport>> running;
  for (int index = 0; index < kConcurrentCalls; ++index) {
    running.push_back(std::async(std::launch::async, [&settings] {
      return callsim::SimulatedCall(settings, greeting_turn_goodbye()).run();
    }));
  }
  std::vector<callsim::CallReport> reports;
  for (auto& call : running) reports.push_back(call.get());
  int streams_on_a = served_stream(host_a, first.call_sid) ? 1 : 0;
  for (const auto& report : reports) {
    ASSERT_TRUE(report.ok) << report.error << failure_context();
    EXPECT_NE(served_stream(host_a, report.call_sid), served_stream(host_b, report.call_sid))
        << "exactly one host serves each stream";
    if (served_stream(host_a, report.call_sid)) ++streams_on_a;
    // Any host answers for any call through the balancer.
    EXPECT_EQ(call_record_from(proxy.port(), report.conversation_id).value("status", ""), "completed");
  }
  EXPECT_GT(streams_on_a, 0);
  EXPECT_LT(streams_on_a, kConcurrentCalls + 1) << "every stream went to host A";
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// Redis goes away in the middle of a call and comes back: the call carries on from memory,
// a new call meanwhile hears the apology, and the call's record is written back once Redis
// returns, so GET /call/{id} shows how it ended. The outage is logged once, its end once.
TEST(ScaleOutTest, RedisRestartingMidCallLosesNothing) {
  RedisServer redis;
  TemporaryDirectory directory;
  RunningHost host(directory, shared_state_config(directory, redis));

  // The test stops Redis as soon as the greeting starts and restarts it once the agent has
  // answered the caller's first turn: the greeting, that turn and the reply are all
  // recorded while Redis is away.
  std::atomic<int> agent_utterances_finished{0};
  std::atomic<bool> greeted{false};
  callsim::CallScript script;
  script.wait_for_agent_audio(10s)
      .wait_for_agent_quiet(400ms, 20s)
      .play(tone(1000ms), "turn 1")
      .wait_for_agent_audio(10s)
      .wait_for_agent_quiet(400ms, 20s)
      .silence(3000ms)  // Redis comes back here
      .play(tone(800ms), "goodbye")
      .wait_for_host_close(20s);
  auto listener = [&](const callsim::CallEvent& event) {
    if (event.kind == callsim::CallEventKind::agent_audio_started) greeted = true;
    if (event.kind == callsim::CallEventKind::agent_audio_finished) ++agent_utterances_finished;
  };
  auto running = std::async(std::launch::async, [&] {
    return callsim::SimulatedCall(host.call_settings(), std::move(script), listener).run();
  });
  for (int attempt = 0; attempt < 200 && !greeted; ++attempt) std::this_thread::sleep_for(25ms);
  ASSERT_TRUE(greeted.load()) << host.output();
  redis.stop();

  // Meanwhile a new call cannot be recorded, so it hears the apology, not silence.
  callsim::CallScript refused_script;
  refused_script.hang_up();
  const auto refused = callsim::SimulatedCall(host.call_settings(), std::move(refused_script)).run();
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.webhook_status, 200);
  EXPECT_THAT(refused.webhook_body, HasSubstr("<Say"));

  // The greeting, then the reply to turn 1, played to their ends during the outage.
  for (int attempt = 0; attempt < 400 && agent_utterances_finished < 2; ++attempt) std::this_thread::sleep_for(25ms);
  EXPECT_GE(agent_utterances_finished.load(), 2) << host.output();
  redis.restart();

  const auto report = running.get();
  ASSERT_TRUE(report.ok) << report.error << "\n" << host.output();
  ASSERT_TRUE(report.stream_close);
  EXPECT_TRUE(report.stream_close->initiated_by_host) << "the call ended with the goodbye";

  // The record reaches Redis once it is back (written back within a second or two).
  EXPECT_EQ(call_record_from(host.port(), report.conversation_id).value("status", ""), "completed")
      << host.output();
  EXPECT_EQ(wait_for_transcripts(directory, 1).size(), 1U) << "the transcript was written as usual";
  const std::string output = host.output();
  EXPECT_EQ(count_of(output, "state store unavailable ("), 1U) << output;
  EXPECT_EQ(count_of(output, "state store available again"), 1U) << output;
  EXPECT_EQ(count_of(output, "fail fast until it is back"), 1U) << "the plugin logs the outage once:\n" << output;
  EXPECT_EQ(count_of(output, "reachable again after"), 1U) << output;
  // And counted for monitoring.
  const auto metrics = http_request(host.port(), "GET", "/metrics", "", kTestApiToken).body;
  EXPECT_THAT(metrics, Not(HasSubstr("callagent_state_store_write_failures_total 0\n")));
  EXPECT_THAT(metrics, Not(HasSubstr("callagent_call_records_written_back_total 0\n")));
  EXPECT_THAT(metrics, HasSubstr("callagent_call_records_waiting 0\n"));
  EXPECT_THAT(metrics, HasSubstr("callagent_webhooks_total{outcome=\"state_store_failed\"} 1\n"));
}

}  // namespace
}  // namespace callagent::testing
