// The voice webhook's answers as Twilio sees them: TwiML that connects a stream with the
// parameters it needs, the polite busy answer at max_calls, the apology when the host has
// no pipeline configured, and signed status callbacks updating the call record.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include "host/twilio/request_signature.h"
#include "tests/integration/telephony/host_fixture.h"
#include "tools/call-sim/twiml_stream_parser.h"
#include "tools/call-sim/webhook_client.h"

namespace callagent::testing {
namespace {

using ::testing::HasSubstr;

callsim::WebhookRequest signed_webhook(const RunningHost& host, const std::string& call_sid) {
  callsim::WebhookRequest request;
  request.connect_url = host.base_url() + "/inbound_call";
  request.signed_url = request.connect_url;
  request.auth_token = kTestAuthToken;
  request.params = callsim::incoming_call_params(call_sid, "AC0123456789abcdef0123456789abcdef",
                                                 "+15550001111", "+15550002222");
  return request;
}

TEST(WebhookTest, AnswersTwimlThatConnectsAStreamToTheConversation) {
  TemporaryDirectory directory;
  RunningHost host(directory, fake_pipeline_config(directory, {"hello"}));
  const auto answer = callsim::post_voice_webhook(signed_webhook(host, "CA0123456789abcdef0123456789abcdef"), {});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer.value().status, 200);
  EXPECT_THAT(answer.value().content_type, HasSubstr("text/xml"));
  const auto stream = callsim::parse_stream_twiml(answer.value().body);
  ASSERT_TRUE(stream) << answer.value().body;
  const std::string conversation_id = callsim::find_parameter(stream.value(), "conversation_id");
  EXPECT_EQ(conversation_id.size(), 32U);
  EXPECT_EQ(stream.value().url, "ws://127.0.0.1:" + std::to_string(host.port()) + "/connect_call/" + conversation_id);
  EXPECT_EQ(callsim::find_parameter(stream.value(), "from"), "+15550001111");
  EXPECT_EQ(stream.value().url.find('?'), std::string::npos) << "no query string in a stream URL";

  // Two webhooks, two unguessable conversations.
  const auto second = callsim::post_voice_webhook(signed_webhook(host, "CA1123456789abcdef0123456789abcdef"), {});
  const auto other = callsim::parse_stream_twiml(second.value().body);
  EXPECT_NE(callsim::find_parameter(other.value(), "conversation_id"), conversation_id);
}

TEST(WebhookTest, AtMaxCallsTheCallerHearsThatTheLineIsBusy) {
  TemporaryDirectory directory;
  auto config = fake_pipeline_config(directory, {"hello"});
  config["server"]["max_calls"] = 1;
  RunningHost host(directory, config);
  const auto first = callsim::post_voice_webhook(signed_webhook(host, "CA0123456789abcdef0123456789abcdef"), {});
  EXPECT_THAT(first.value().body, HasSubstr("<Connect>"));
  const auto second = callsim::post_voice_webhook(signed_webhook(host, "CA1123456789abcdef0123456789abcdef"), {});
  ASSERT_TRUE(second);
  EXPECT_EQ(second.value().status, 200) << "never a bare error Twilio would voice as an application error";
  EXPECT_THAT(second.value().body, HasSubstr("<Say"));
  EXPECT_THAT(second.value().body, HasSubstr("<Hangup/>"));
  EXPECT_THAT(second.value().body, ::testing::Not(HasSubstr("<Connect>")));
}

TEST(WebhookTest, WithoutAPipelineTheCallerHearsAnApology) {
  TemporaryDirectory directory;
  nlohmann::json config = {{"server", nlohmann::json::object()},
                           {"twilio", nlohmann::json::object()},
                           {"providers", {{"state", {{"plugin", "state_memory"}}}}}};
  RunningHost host(directory, config);
  const auto answer = callsim::post_voice_webhook(signed_webhook(host, "CA0123456789abcdef0123456789abcdef"), {});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer.value().status, 200);
  EXPECT_THAT(answer.value().body, HasSubstr("<Say"));
  EXPECT_THAT(answer.value().body, HasSubstr("<Hangup/>"));
}

TEST(WebhookTest, WithTheStateStoreDownTheCallerHearsAnApologyAndStreamsAreRefused) {
  TemporaryDirectory directory;
  auto config = fake_pipeline_config(directory, {"hello"});
  config["providers"]["state"] = {{"plugin", "fake_state_down"}};
  RunningHost host(directory, config);
  const auto answer = callsim::post_voice_webhook(signed_webhook(host, "CA0123456789abcdef0123456789abcdef"), {});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer.value().status, 200);
  EXPECT_THAT(answer.value().body, HasSubstr("<Say"));
  EXPECT_THAT(answer.value().body, HasSubstr("<Hangup/>"));
  EXPECT_THAT(host.output(), HasSubstr("cannot save its record in the state store"));
  const auto record = http_request(host.port(), "GET", "/call/0123456789abcdef0123456789abcdef", "", kTestApiToken);
  EXPECT_EQ(record.status, 503);
}

TEST(WebhookTest, SignedStatusCallbacksUpdateTheRecord) {
  TemporaryDirectory directory;
  RunningHost host(directory, fake_pipeline_config(directory, {"hello"}));
  const std::string call_sid = "CA0123456789abcdef0123456789abcdef";
  const auto answer = callsim::post_voice_webhook(signed_webhook(host, call_sid), {});
  const auto stream = callsim::parse_stream_twiml(answer.value().body);
  const std::string conversation_id = callsim::find_parameter(stream.value(), "conversation_id");

  const twilio::FormParams params = {{"CallSid", call_sid}, {"CallStatus", "completed"}, {"CallDuration", "42"}};
  const std::string body = twilio::encode_form_urlencoded(params);
  const std::string url = host.base_url() + "/call_status";
  Poco::Net::HTTPClientSession session("127.0.0.1", host.port());
  Poco::Net::HTTPRequest request("POST", "/call_status", Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/x-www-form-urlencoded");
  request.set("X-Twilio-Signature", twilio::compute_signature(kTestAuthToken, url, params));
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  session.receiveResponse(response);
  EXPECT_EQ(response.getStatus(), Poco::Net::HTTPResponse::HTTP_NO_CONTENT);

  const auto record = http_request(host.port(), "GET", "/call/" + conversation_id, "", kTestApiToken);
  const auto stored = nlohmann::json::parse(record.body);
  EXPECT_EQ(stored["status"], "completed");
  EXPECT_EQ(stored["duration"], 42.0);

  // Unsigned: refused, record unchanged.
  const auto refused = http_request(host.port(), "POST", "/call_status", "CallSid=" + call_sid + "&CallStatus=busy",
                                    "", "application/x-www-form-urlencoded");
  EXPECT_EQ(refused.status, 400);
}

}  // namespace
}  // namespace callagent::testing
