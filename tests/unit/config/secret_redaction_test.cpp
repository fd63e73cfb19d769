#include "host/config/secret_redaction.h"

#include <gtest/gtest.h>

namespace callagent::config {
namespace {

TEST(SecretRedactionTest, RecognisesCredentialKeysButNotLookAlikes) {
  for (const char* key : {"api_key", "auth_token", "api_token", "password", "client_secret",
                          "Authorization", "xi-api-key", "AUTH_TOKEN"}) {
    EXPECT_TRUE(is_secret_key(key)) << key;
  }
  for (const char* key : {"keywords", "max_tokens", "account_sid", "voice_id", "base_url"}) {
    EXPECT_FALSE(is_secret_key(key)) << key;
  }
}

TEST(SecretRedactionTest, HidesNestedSecretsAndKeepsEverythingElse) {
  const auto redacted = redact_secrets(nlohmann::json::parse(R"({
    "api_key": "sk-123",
    "empty_token": "",
    "headers": {"Authorization": "Bearer abc", "X-Trace": "1"},
    "list": [{"password": "hunter2", "user": "bob"}],
    "max_tokens": 100
  })"));
  EXPECT_EQ(redacted["api_key"], "***");
  EXPECT_EQ(redacted["empty_token"], "");
  EXPECT_EQ(redacted["headers"]["Authorization"], "***");
  EXPECT_EQ(redacted["headers"]["X-Trace"], "1");
  EXPECT_EQ(redacted["list"][0]["password"], "***");
  EXPECT_EQ(redacted["list"][0]["user"], "bob");
  EXPECT_EQ(redacted["max_tokens"], 100);
  EXPECT_EQ(redacted.dump().find("sk-123"), std::string::npos);
}

}  // namespace
}  // namespace callagent::config
