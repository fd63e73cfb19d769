#include "host/twilio/rest_client.h"

#include <chrono>
#include <future>
#include <memory>
#include <sstream>
#include <string>

#include <Poco/Base64Encoder.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tools/mock-vendors/twilio_rest_fake.h"

namespace callagent::twilio {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kAccountSid[] = "AC0123456789abcdef0123456789abcdef";
constexpr char kAuthToken[] = "s3cret-auth-token-do-not-leak";
constexpr char kCallSid[] = "CAa346467ca321c71dbd5e12f627deb854";

std::string basic_authorization(const std::string& user, const std::string& password) {
  std::ostringstream encoded;
  Poco::Base64Encoder encoder(encoded);
  encoder.rdbuf()->setLineLength(0);
  encoder << user << ':' << password;
  encoder.close();
  return "Basic " + encoded.str();
}

OutboundCallRequest sample_call() {
  OutboundCallRequest call;
  call.to = "+14155551212";
  call.from = "+12349013030";
  call.url = "https://agent.example.com/twilio/voice?call=1&x=a b";
  call.status_callback = "https://agent.example.com/twilio/status";
  return call;
}

class TwilioRestClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mock::FakeTwilioRestSettings settings;
    settings.account_sid = kAccountSid;
    settings.auth_token = kAuthToken;
    fake_ = std::make_unique<mock::FakeTwilioRest>(settings);
    ASSERT_TRUE(fake_->start().is_ok());
  }

  RestClientSettings client_settings() const {
    RestClientSettings settings;
    settings.api_base_url = fake_->base_url();
    settings.account_sid = kAccountSid;
    settings.auth_token = kAuthToken;
    settings.timeout = std::chrono::milliseconds(5000);
    return settings;
  }

  TwilioRestClient client() const { return TwilioRestClient(client_settings()); }

  mock::RecordedRequest only_request() const {
    const auto requests = fake_->requests();
    EXPECT_EQ(requests.size(), 1u);
    return requests.empty() ? mock::RecordedRequest{} : requests.front();
  }

  std::unique_ptr<mock::FakeTwilioRest> fake_;
};

TEST_F(TwilioRestClientTest, CreateCallSendsTheDocumentedFormFields) {
  const auto created = client().create_call(sample_call());
  ASSERT_TRUE(created.is_ok()) << created.status().message();
  EXPECT_THAT(created.value().call_sid, MatchesRegex("CA[0-9a-f]{32}"));
  EXPECT_EQ(created.value().status, "queued");

  const auto request = only_request();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, std::string("/2010-04-01/Accounts/") + kAccountSid + "/Calls.json");
  EXPECT_EQ(request.headers.at("Authorization"), basic_authorization(kAccountSid, kAuthToken));
  EXPECT_EQ(request.headers.at("accept"), "application/json");
  EXPECT_THAT(request.headers.at("Content-Type"),
              StartsWith("application/x-www-form-urlencoded"));
  EXPECT_THAT(request.headers.at("User-Agent"), StartsWith("callagent/"));
  const FormParams expected = {
      {"To", "+14155551212"},
      {"From", "+12349013030"},
      {"Url", "https://agent.example.com/twilio/voice?call=1&x=a b"},
      {"Method", "POST"},
      {"StatusCallback", "https://agent.example.com/twilio/status"},
      {"StatusCallbackMethod", "POST"},
      {"StatusCallbackEvent", "initiated"},
      {"StatusCallbackEvent", "ringing"},
      {"StatusCallbackEvent", "answered"},
      {"StatusCallbackEvent", "completed"},
  };
  EXPECT_EQ(request.form, expected);
}

TEST_F(TwilioRestClientTest, CreateCallLeavesOutCallbackFieldsWithoutACallbackAndSendsTimeout) {
  auto call = sample_call();
  call.status_callback.clear();
  call.timeout_seconds = 25;
  ASSERT_TRUE(client().create_call(call).is_ok());

  const FormParams expected = {{"To", "+14155551212"},
                               {"From", "+12349013030"},
                               {"Url", "https://agent.example.com/twilio/voice?call=1&x=a b"},
                               {"Method", "POST"},
                               {"Timeout", "25"}};
  EXPECT_EQ(only_request().form, expected);
}

TEST_F(TwilioRestClientTest, WrongTokenIsUnauthenticatedAndTheMessageHoldsNoSecret) {
  auto settings = client_settings();
  settings.auth_token = "wrong-token-also-secret";
  const auto created = TwilioRestClient(settings).create_call(sample_call());
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().code(), ErrorCode::unauthenticated);
  EXPECT_THAT(created.status().message(), HasSubstr("Twilio REST 401 (code 20003): Authenticate"));
  EXPECT_THAT(created.status().message(), Not(HasSubstr("wrong-token-also-secret")));
  EXPECT_THAT(created.status().message(), Not(HasSubstr("Basic ")));
}

TEST_F(TwilioRestClientTest, TwilioRejectionOfTheRequestIsInvalidArgumentWithItsMessage) {
  fake_->fail_next(400, 21211, "The 'To' number +1 is not a valid phone number.");
  const auto created = client().create_call(sample_call());
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().code(), ErrorCode::invalid_argument);
  EXPECT_THAT(created.status().message(),
              HasSubstr("Twilio REST 400 (code 21211): The 'To' number +1 is not a valid"));
}

TEST_F(TwilioRestClientTest, NonJsonErrorPageIsVendorError) {
  fake_->fail_next(502, 0, "<html>bad gateway</html>");
  const auto created = client().create_call(sample_call());
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().code(), ErrorCode::vendor_error);
  EXPECT_THAT(created.status().message(), HasSubstr("Twilio REST 502"));
}

TEST_F(TwilioRestClientTest, HangUpSendsStatusCompleted) {
  ASSERT_TRUE(client().hang_up(kCallSid).is_ok());

  const auto request = only_request();
  EXPECT_EQ(request.path,
            std::string("/2010-04-01/Accounts/") + kAccountSid + "/Calls/" + kCallSid + ".json");
  EXPECT_EQ(request.headers.at("Authorization"), basic_authorization(kAccountSid, kAuthToken));
  EXPECT_EQ(request.form, (FormParams{{"Status", "completed"}}));
}

TEST_F(TwilioRestClientTest, HangUpOfACallTwilioDoesNotKnowIsOk) {
  fake_->fail_next(404, 20404, "The requested resource was not found");
  EXPECT_TRUE(client().hang_up(kCallSid).is_ok());
  fake_->fail_next(400, 20404, "The requested resource was not found");
  EXPECT_TRUE(client().hang_up(kCallSid).is_ok());
}

TEST_F(TwilioRestClientTest, HangUpOnServerErrorIsVendorError) {
  fake_->fail_next(500, 20500, "An internal server error has occurred");
  const auto status = client().hang_up(kCallSid);
  EXPECT_EQ(status.code(), ErrorCode::vendor_error);
  EXPECT_THAT(status.message(),
              HasSubstr("Twilio REST 500 (code 20500): An internal server error has occurred"));
}

TEST_F(TwilioRestClientTest, TooManyRequestsIsRateLimited) {
  fake_->fail_next(429, 20429, "Too Many Requests");
  EXPECT_EQ(client().hang_up(kCallSid).code(), ErrorCode::rate_limited);
}

TEST_F(TwilioRestClientTest, UpdateTwimlSendsTheDocument) {
  const std::string twiml = "<Response><Say>Transferring you now</Say><Dial>+14155550100</Dial></Response>";
  ASSERT_TRUE(client().update_twiml(kCallSid, twiml).is_ok());
  EXPECT_EQ(only_request().form, (FormParams{{"Twiml", twiml}}));
}

TEST_F(TwilioRestClientTest, UpdateTwimlOfAGoneCallIsNotFound) {
  fake_->fail_next(404, 20404, "The requested resource was not found");
  EXPECT_EQ(client().update_twiml(kCallSid, "<Response/>").code(), ErrorCode::not_found);
}

TEST_F(TwilioRestClientTest, MalformedCallSidIsRejectedBeforeAnyRequest) {
  for (const std::string call_sid :
       {"", "CA123", "ca346467ca321c71dbd5e12f627deb8541",
        "CAa346467ca321c71dbd5e12f627deb85g", "CA../../../Accounts/x/Calls.json?a=bcdefgh",
        "CAa346467ca321c71dbd5e12f627deb854/"}) {
    EXPECT_EQ(client().hang_up(call_sid).code(), ErrorCode::invalid_argument) << call_sid;
    EXPECT_EQ(client().update_twiml(call_sid, "<Response/>").code(), ErrorCode::invalid_argument)
        << call_sid;
  }
  EXPECT_TRUE(fake_->requests().empty());
}

TEST_F(TwilioRestClientTest, ServerNotListeningIsUnavailable) {
  std::uint16_t closed_port = 0;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    closed_port = socket.address().port();
  }
  auto settings = client_settings();
  settings.api_base_url = "http://127.0.0.1:" + std::to_string(closed_port);
  const auto created = TwilioRestClient(settings).create_call(sample_call());
  ASSERT_FALSE(created.is_ok());
  EXPECT_EQ(created.status().code(), ErrorCode::unavailable);
  EXPECT_THAT(created.status().message(), Not(HasSubstr(kAuthToken)));
}

TEST_F(TwilioRestClientTest, SlowServerIsTimeout) {
  fake_->set_delay(std::chrono::milliseconds(1000));
  auto settings = client_settings();
  settings.timeout = std::chrono::milliseconds(300);
  EXPECT_EQ(TwilioRestClient(settings).hang_up(kCallSid).code(), ErrorCode::timeout);
}

TEST_F(TwilioRestClientTest, BaseUrlThatIsNotHttpIsInvalidConfig) {
  auto settings = client_settings();
  settings.api_base_url = "ftp://api.twilio.com";
  EXPECT_EQ(TwilioRestClient(settings).hang_up(kCallSid).code(), ErrorCode::invalid_config);
  settings = client_settings();
  settings.account_sid = "AC/../other";
  EXPECT_EQ(TwilioRestClient(settings).hang_up(kCallSid).code(), ErrorCode::invalid_config);
  EXPECT_TRUE(fake_->requests().empty());
}

TEST_F(TwilioRestClientTest, BaseUrlPathPrefixIsKept) {
  auto settings = client_settings();
  settings.api_base_url = fake_->base_url() + "/prefix/";
  // The fake serves no prefix: Twilio's 404 for a hang-up means "already gone".
  EXPECT_TRUE(TwilioRestClient(settings).hang_up(kCallSid).is_ok());
  EXPECT_THAT(only_request().path, StartsWith("/prefix/2010-04-01/Accounts/"));
}

// The fake itself: what the client tests above rely on, and what later users need.
TEST_F(TwilioRestClientTest, FakeRestAnswersCreateWithACallResourceAndReportsIt) {
  // The callback runs on a server thread after the answer is sent: hand its view over.
  std::promise<std::string> reported_sid;
  fake_->on_call_created([&](const mock::RecordedRequest& request, const std::string& call_sid) {
    if (find_param(request.form, "To") == "+14155551212") reported_sid.set_value(call_sid);
  });
  const auto created = client().create_call(sample_call());
  ASSERT_TRUE(created.is_ok());
  auto reported = reported_sid.get_future();
  ASSERT_EQ(reported.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(reported.get(), created.value().call_sid);
  EXPECT_TRUE(fake_->wait_for_requests(1, std::chrono::milliseconds(0)));
}

TEST_F(TwilioRestClientTest, FakeRestInjectsFaultsTheGivenNumberOfTimes) {
  fake_->fail_next(503, 20503, "Service Unavailable", 2);
  EXPECT_EQ(client().hang_up(kCallSid).code(), ErrorCode::vendor_error);
  EXPECT_EQ(client().hang_up(kCallSid).code(), ErrorCode::vendor_error);
  EXPECT_TRUE(client().hang_up(kCallSid).is_ok());
  EXPECT_EQ(fake_->requests().size(), 3u);
}

}  // namespace
}  // namespace callagent::twilio
