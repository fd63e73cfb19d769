// The call API through the real host: outbound calls and hang-ups against the fake Twilio
// REST server (including its 404 and 500 answers), and the bearer token on GET /call.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/telephony/host_fixture.h"
#include "tools/mock-vendors/twilio_rest_fake.h"

namespace callagent::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kAccountSid = "AC0123456789abcdef0123456789abcdef";

class CallApiTest : public ::testing::Test {
 protected:
  CallApiTest() {
    mock::FakeTwilioRestSettings settings;
    settings.account_sid = kAccountSid;
    settings.auth_token = kTestAuthToken;
    twilio = std::make_unique<mock::FakeTwilioRest>(settings);
    EXPECT_TRUE(twilio->start());
    auto config = fake_pipeline_config(directory, {"hello"});
    config["twilio"] = {{"account_sid", kAccountSid}, {"api_base_url", twilio->base_url()}};
    host = std::make_unique<RunningHost>(directory, config);
  }

  HttpAnswer place_call() {
    return http_request(host->port(), "POST", "/calls",
                        R"({"to": "+15550001111", "from": "+15550002222", "agent": {"initial_message": "Hi from us"}})",
                        kTestApiToken);
  }

  TemporaryDirectory directory;
  std::unique_ptr<mock::FakeTwilioRest> twilio;
  std::unique_ptr<RunningHost> host;
};

TEST_F(CallApiTest, OutboundCallSavesTheRecordThenCreatesTheCallWithTwilio) {
  const auto answer = place_call();
  ASSERT_EQ(answer.status, 201) << answer.body << host->output();
  const auto created = nlohmann::json::parse(answer.body);
  const std::string conversation_id = created["conversation_id"];
  EXPECT_THAT(created["call_sid"].get<std::string>(), ::testing::StartsWith("CA"));
  EXPECT_EQ(created["status"], "queued");

  const auto requests = twilio->requests();
  ASSERT_EQ(requests.size(), 1U);
  const auto& request = requests[0];
  EXPECT_EQ(request.path, std::string("/2010-04-01/Accounts/") + kAccountSid + "/Calls.json");
  EXPECT_EQ(twilio::find_param(request.form, "To"), "+15550001111");
  EXPECT_EQ(twilio::find_param(request.form, "Url"), host->base_url() + "/outbound_call/" + conversation_id);
  EXPECT_EQ(twilio::find_param(request.form, "StatusCallback"), host->base_url() + "/call_status");

  const auto record = http_request(host->port(), "GET", "/call/" + conversation_id, "", kTestApiToken);
  ASSERT_EQ(record.status, 200);
  const auto stored = nlohmann::json::parse(record.body);
  EXPECT_EQ(stored["direction"], "outbound-api");
  EXPECT_EQ(stored["call_sid"], created["call_sid"]);
  EXPECT_EQ(stored["agent_overrides"]["initial_message"], "Hi from us");
}

TEST_F(CallApiTest, TwilioFailuresBecomeClearAnswers) {
  twilio->fail_next(500, 20500, "Internal Server Error");
  const auto failed = place_call();
  EXPECT_EQ(failed.status, 502);
  EXPECT_THAT(failed.body, HasSubstr("Twilio REST 500"));
  EXPECT_THAT(failed.body, ::testing::Not(HasSubstr(kTestAuthToken)));

  twilio->fail_next(400, 21211, "The 'To' number is not a valid phone number.");
  const auto refused = place_call();
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(refused.body, HasSubstr("not a valid phone number"));
}

TEST_F(CallApiTest, HangUpIsIdempotentAndReportsTwilioErrors) {
  const auto created = nlohmann::json::parse(place_call().body);
  const std::string path = "/call/" + created["conversation_id"].get<std::string>() + "/hangup";

  const auto first = http_request(host->port(), "POST", path, "", kTestApiToken);
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(twilio::find_param(twilio->requests().back().form, "Status"), "completed");

  twilio->fail_next(404, 20404, "The requested resource was not found");
  const auto already_over = http_request(host->port(), "POST", path, "", kTestApiToken);
  EXPECT_EQ(already_over.status, 200) << "a call Twilio no longer knows counts as hung up";

  twilio->fail_next(500, 20500, "Internal Server Error");
  const auto broken = http_request(host->port(), "POST", path, "", kTestApiToken);
  EXPECT_EQ(broken.status, 502);
}

TEST_F(CallApiTest, TheOutboundCallToolPlacesACallThroughTheHost) {
  const auto placed = run_to_completion(OUTBOUND_CALL_BINARY,
                                        {"--host", host->base_url(), "--api-token", kTestApiToken, "--to",
                                         "+15550001111", "--from", "+15550002222"});
  EXPECT_EQ(placed.exit_code, 0) << placed.output;
  EXPECT_THAT(placed.output, HasSubstr("call placed: conversation "));
  EXPECT_EQ(twilio->requests().size(), 1U);
  const auto refused = run_to_completion(OUTBOUND_CALL_BINARY,
                                         {"--host", host->base_url(), "--api-token", "wrong", "--to",
                                          "+15550001111", "--from", "+15550002222"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.output, HasSubstr("401"));
}

TEST_F(CallApiTest, CallRecordNeedsTheBearerToken) {
  const auto created = nlohmann::json::parse(place_call().body);
  const std::string path = "/call/" + created["conversation_id"].get<std::string>();
  const auto missing = http_request(host->port(), "GET", path);
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(http_request(host->port(), "GET", path, "", "wrong-token").status, 401);
  EXPECT_EQ(http_request(host->port(), "GET", "/call/00000000000000000000000000000000", "", kTestApiToken).status,
            404);
  EXPECT_EQ(http_request(host->port(), "POST", "/calls", R"({"to": "+1"})", "").status, 401);
  EXPECT_EQ(http_request(host->port(), "POST", "/calls", R"({"to": "+1"})", kTestApiToken).status, 400);
}

}  // namespace
}  // namespace callagent::testing
