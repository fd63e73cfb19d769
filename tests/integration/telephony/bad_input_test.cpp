// Hostile and broken input at the Twilio endpoints: each gets its own status or close
// code, and a call in progress on the same host carries on untouched.
#include <future>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "host/twilio/media_stream_messages.h"
#include "tests/integration/telephony/host_fixture.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/simulated_call.h"
#include "tools/call-sim/stream_client.h"
#include "tools/call-sim/twiml_stream_parser.h"
#include "tools/call-sim/webhook_client.h"

namespace callagent::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

class BadInputTest : public ::testing::Test {
 protected:
  BadInputTest() : host(directory, fake_pipeline_config(directory, {"hello there", "goodbye"})) {}

  callsim::WebhookRequest webhook(const std::string& token) const { return inbound_webhook(host, token); }
  std::string pending_stream_url() const { return testing::pending_stream_url(host); }

  struct OpenStream {
    std::unique_ptr<callsim::StreamClient> client;
    std::shared_ptr<std::promise<callsim::StreamCloseInfo>> closed;
  };

  Result<OpenStream> connect(const std::string& url, const std::string& token) const {
    auto closed = std::make_shared<std::promise<callsim::StreamCloseInfo>>();
    callsim::StreamClient::Handlers handlers;
    handlers.on_text = [](std::string_view, auto) {};
    handlers.on_closed = [closed](const callsim::StreamCloseInfo& info) { closed->set_value(info); };
    auto client = callsim::StreamClient::connect({url, url, token}, {}, std::move(handlers));
    if (!client) return client.status();
    return OpenStream{std::move(client).value(), closed};
  }

  static void start_stream(callsim::StreamClient& client) {
    ASSERT_TRUE(client.send_text(twilio::serialize_connected()));
    ASSERT_TRUE(client.send_text(twilio::serialize_start(test_start_message())));
  }

  TemporaryDirectory directory;
  RunningHost host;
};

TEST_F(BadInputTest, EveryBadInputGetsItsOwnAnswerWhileAnotherCallKeepsWorking) {
  // A good call runs the whole time.
  callsim::SimulatedCall good_call(host.call_settings(), greeting_turn_goodbye(1000ms, 600ms));
  auto good_report = std::async(std::launch::async, [&] { return good_call.run(); });

  // Webhook signature: wrong → 403, missing → 400.
  auto wrong = callsim::post_voice_webhook(webhook("not-the-token"), {});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong.value().status, 403);
  auto unsigned_request = callsim::post_voice_webhook(webhook(""), {});
  ASSERT_TRUE(unsigned_request);
  EXPECT_EQ(unsigned_request.value().status, 400);

  // Stream upgrades: unknown id → 404, wrong signature → 403, reused id → 409.
  const auto unknown = connect("ws://127.0.0.1:" + std::to_string(host.port()) +
                                   "/connect_call/00000000000000000000000000000000",
                               kTestAuthToken);
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.status().message(), HasSubstr("404"));
  const std::string url = pending_stream_url();
  const auto forged = connect(url, "not-the-token");
  ASSERT_FALSE(forged);
  EXPECT_THAT(forged.status().message(), HasSubstr("403"));
  auto first = connect(url, kTestAuthToken);
  ASSERT_TRUE(first) << first.status().message();
  const auto reused = connect(url, kTestAuthToken);
  ASSERT_FALSE(reused);
  EXPECT_THAT(reused.status().message(), HasSubstr("409"));

  // Garbage frames are dropped one by one; the stream stays open.
  auto& stream = *first.value().client;
  start_stream(stream);
  EXPECT_TRUE(stream.send_text("this is not json"));
  EXPECT_TRUE(stream.send_text(std::string(100 * 1024, 'x')));  // over the 64 KiB frame limit
  EXPECT_TRUE(stream.send_text(R"({"event":"teleport","streamSid":"MZ1"})"));
  EXPECT_TRUE(stream.send_text(
      R"({"event":"media","streamSid":"MZ1","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"@@@@"}})"));
  auto closed = first.value().closed->get_future();
  EXPECT_EQ(closed.wait_for(1s), std::future_status::timeout) << "four bad frames must not end the call";
  EXPECT_TRUE(stream.is_open());

  // A flood of garbage closes that one socket with 1008.
  for (int frame = 0; frame < 80 && stream.is_open(); ++frame) (void)stream.send_text("{garbage");
  ASSERT_EQ(closed.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(closed.get().code, 1008);

  const auto report = good_report.get();
  EXPECT_TRUE(report.ok) << report.error << "\n" << host.output();
  EXPECT_THAT(host.output(), HasSubstr("too many bad frames"));
}

// Valid media frames, but far faster than Twilio's 50 a second: dropped over the rate,
// counted as "too_fast", and a sustained flood closes that stream with 1008.
TEST_F(BadInputTest, AFloodOfValidFramesIsCutToTheRateAndThenClosed) {
  auto opened = connect(pending_stream_url(), kTestAuthToken);
  ASSERT_TRUE(opened) << opened.status().message();
  auto& stream = *opened.value().client;
  start_stream(stream);
  auto closed = opened.value().closed->get_future();
  twilio::MediaMessage media;
  media.track = "inbound";
  media.payload = std::vector<std::uint8_t>(160, 0xFF);
  for (int frame = 0; frame < 5000 && stream.is_open(); ++frame) {
    media.sequence_number = static_cast<std::uint64_t>(frame) + 2;
    media.chunk = static_cast<std::uint64_t>(frame) + 1;
    media.timestamp_ms = static_cast<std::int64_t>(frame) * 20;
    (void)stream.send_text(twilio::serialize_inbound_media("MZ0123456789abcdef0123456789abcdef", media));
  }
  ASSERT_EQ(closed.wait_for(10s), std::future_status::ready) << host.output();
  EXPECT_EQ(closed.get().code, 1008);
  EXPECT_THAT(host.output(), HasSubstr("too_fast"));
  const auto metrics = http_request(host.port(), "GET", "/metrics", "", kTestApiToken).body;
  EXPECT_THAT(metrics, Not(HasSubstr("callagent_websocket_bad_frames_total{problem=\"too_fast\"} 0\n")));
}

}  // namespace
}  // namespace callagent::testing
