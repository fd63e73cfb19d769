// GET /metrics, /healthz and /readyz on the real host: the metric names are there, the
// values move with a real call (started, ended, frames, per-turn latencies) and with a
// busy webhook; readiness fails with the state store down or the host full.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "tests/integration/telephony/host_fixture.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/simulated_call.h"
#include "tools/call-sim/webhook_client.h"

namespace callagent::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string scrape(const RunningHost& host) {
  const auto answer = http_request(host.port(), "GET", "/metrics", "", kTestApiToken);
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_THAT(answer.header("Content-Type"), StartsWith("text/plain; version=0.0.4"));
  return answer.body;
}

// The value of the sample `series` (name plus labels exactly as rendered), if present.
std::optional<double> sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

double value(const std::string& text, const std::string& series) {
  const auto found = sample(text, series);
  EXPECT_TRUE(found) << series << " missing from:\n" << text;
  return found.value_or(-1);
}

callsim::WebhookRequest signed_webhook(const RunningHost& host, const std::string& call_sid) {
  callsim::WebhookRequest request;
  request.connect_url = host.base_url() + "/inbound_call";
  request.signed_url = request.connect_url;
  request.auth_token = kTestAuthToken;
  request.params = callsim::incoming_call_params(call_sid, "AC0123456789abcdef0123456789abcdef", "+15550001111",
                                                 "+15550002222");
  return request;
}

TEST(MetricsTest, MetricsNamesArePresentAndMoveWithARealCall) {
  TemporaryDirectory directory;
  RunningHost host(directory, fake_pipeline_config(directory, {"I would like to book an appointment", "goodbye"}));

  EXPECT_EQ(http_request(host.port(), "GET", "/metrics").status, 401) << "the bearer token is required";
  EXPECT_EQ(http_request(host.port(), "GET", "/metrics", "", "wrong-token").status, 401);
  const auto health = http_request(host.port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  const auto ready = http_request(host.port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.body, "{\"ready\":true}\n");

  const std::string before = scrape(host);
  for (const char* name :
       {"callagent_active_calls", "callagent_max_calls", "callagent_calls_started_total",
        "callagent_calls_ended_total", "callagent_webhooks_total", "callagent_stt_final_latency_milliseconds",
        "callagent_llm_first_token_latency_milliseconds", "callagent_tts_first_audio_latency_milliseconds",
        "callagent_voice_to_voice_latency_milliseconds", "callagent_barge_in_reaction_latency_milliseconds",
        "callagent_vendor_requests_total", "callagent_vendor_retries_total", "callagent_vendor_rate_limited_total",
        "callagent_provider_errors_total", "callagent_websocket_frames_received_total",
        "callagent_websocket_frames_sent_total", "callagent_websocket_bad_frames_total",
        "process_cpu_seconds_total", "process_resident_memory_bytes"}) {
    EXPECT_THAT(before, HasSubstr(std::string("# TYPE ") + name + " ")) << name;
  }
  EXPECT_EQ(value(before, "callagent_calls_started_total"), 0);
  EXPECT_EQ(value(before, "callagent_active_calls"), 0);
  EXPECT_EQ(value(before, "callagent_max_calls"), 100) << "server.max_calls default";
  EXPECT_EQ(value(before, "callagent_calls_ended_total{reason=\"goodbye\"}"), 0);
  EXPECT_EQ(value(before, "callagent_voice_to_voice_latency_milliseconds_count"), 0);
  EXPECT_GT(value(before, "process_resident_memory_bytes"), 0);
  EXPECT_GE(value(before, "process_cpu_seconds_total"), 0);

  callsim::SimulatedCall call(host.call_settings(), greeting_turn_goodbye(1200ms, 800ms));
  const auto report = call.run();
  ASSERT_TRUE(report.ok) << report.error << "\nhost output:\n" << host.output();

  // The call's slot is released when its stream finishes; give the host a moment.
  std::string after = scrape(host);
  for (int attempt = 0; attempt < 100 && (value(after, "callagent_active_calls") != 0 ||
                                          value(after, "callagent_calls_ended_total{reason=\"goodbye\"}") != 1);
       ++attempt) {
    std::this_thread::sleep_for(50ms);
    after = scrape(host);
  }
  EXPECT_EQ(value(after, "callagent_calls_started_total"), 1);
  EXPECT_EQ(value(after, "callagent_active_calls"), 0);
  EXPECT_EQ(value(after, "callagent_calls_ended_total{reason=\"goodbye\"}"), 1);
  EXPECT_EQ(value(after, "callagent_webhooks_total{outcome=\"answered\"}"), 1);
  EXPECT_EQ(value(after, "callagent_streams_total{outcome=\"opened\"}"), 1);
  EXPECT_GT(value(after, "callagent_voice_to_voice_latency_milliseconds_count"), 0);
  EXPECT_EQ(value(after, "callagent_voice_to_voice_latency_milliseconds_bucket{le=\"+Inf\"}"),
            value(after, "callagent_voice_to_voice_latency_milliseconds_count"));
  EXPECT_GT(value(after, "callagent_llm_first_token_latency_milliseconds_count"), 0);
  EXPECT_GT(value(after, "callagent_tts_first_audio_latency_milliseconds_count"), 0);
  EXPECT_GT(value(after, "callagent_websocket_frames_received_total"), 50) << "a second and more of caller audio";
  EXPECT_GT(value(after, "callagent_websocket_frames_sent_total"), 0);
  EXPECT_EQ(value(after, "callagent_websocket_bad_frames_total{problem=\"not_json\"}"), 0);
}

TEST(MetricsTest, ReadinessFailsWhileTheStateStoreIsDown) {
  TemporaryDirectory directory;
  auto config = fake_pipeline_config(directory, {"hello"});
  config["providers"]["state"] = {{"plugin", "fake_state_down"}};
  RunningHost host(directory, config);
  EXPECT_EQ(http_request(host.port(), "GET", "/healthz").status, 200) << "alive, though not ready";
  const auto ready = http_request(host.port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_THAT(ready.body, HasSubstr("\"ready\":false"));
  EXPECT_THAT(ready.body, HasSubstr("\"state_store\":"));
  EXPECT_THAT(ready.body, ::testing::Not(HasSubstr("\"capacity\"")));

  const auto answer = callsim::post_voice_webhook(signed_webhook(host, "CA0123456789abcdef0123456789abcdef"), {});
  ASSERT_TRUE(answer);
  EXPECT_EQ(value(scrape(host), "callagent_webhooks_total{outcome=\"state_store_failed\"}"), 1);
}

TEST(MetricsTest, AFullHostIsNotReadyAndCountsBusyWebhooks) {
  TemporaryDirectory directory;
  auto config = fake_pipeline_config(directory, {"hello"});
  config["server"]["max_calls"] = 1;
  RunningHost host(directory, config);
  EXPECT_EQ(http_request(host.port(), "GET", "/readyz").status, 200);

  const auto first = callsim::post_voice_webhook(signed_webhook(host, "CA0123456789abcdef0123456789abcdef"), {});
  ASSERT_TRUE(first);
  EXPECT_THAT(first.value().body, HasSubstr("<Connect>"));
  const auto ready = http_request(host.port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_THAT(ready.body, HasSubstr("\"capacity\":\"at capacity: 0 live and 1 reserved of 1 calls\""));

  const auto second = callsim::post_voice_webhook(signed_webhook(host, "CA1123456789abcdef0123456789abcdef"), {});
  ASSERT_TRUE(second);
  EXPECT_THAT(second.value().body, HasSubstr("<Hangup/>"));
  const std::string text = scrape(host);
  EXPECT_EQ(value(text, "callagent_webhooks_total{outcome=\"busy\"}"), 1);
  EXPECT_EQ(value(text, "callagent_webhooks_total{outcome=\"answered\"}"), 1);
  EXPECT_EQ(value(text, "callagent_reserved_calls"), 1);
}

}  // namespace
}  // namespace callagent::testing
