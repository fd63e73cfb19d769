// The configs shipped in config/ are valid as shipped: what a user checks first with
// `callagent --check-config`. twilio-cloud.json takes every secret from the environment,
// so it passes with them set and names the missing one without them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/child_process.h"

namespace callagent::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kConfigDir = std::string(CALLAGENT_SOURCE_DIR) + "/config";

struct CheckResult {
  int exit_code = -1;
  std::string output;
};

CheckResult check_config(const std::string& file, const std::vector<std::string>& environment) {
  ChildProcess process(CALLAGENT_BINARY, {"--check-config", file, "--plugin-dir", CALLAGENT_PLUGIN_DIR}, "",
                       environment);
  const auto code = process.wait_for_exit(30s);
  process.wait_for_output_closed(5s);
  return {code.value_or(-1), process.output()};
}

const std::vector<std::string> kCloudKeys = {
    "PUBLIC_URL=https://voice.example.com",   "TWILIO_ACCOUNT_SID=AC0123456789abcdef0123456789abcdef",
    "TWILIO_AUTH_TOKEN=test-twilio-token-123", "DEEPGRAM_API_KEY=test-deepgram-key-456",
    "OPENAI_API_KEY=sk-test-openai-key-789",   "ELEVENLABS_API_KEY=test-elevenlabs-key-012"};

TEST(ShippedConfigsTest, TheOfflineDefaultIsValid) {
  const auto result = check_config(kConfigDir + "/default.json", {});
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST(ShippedConfigsTest, TheCloudStackIsValidWithItsKeysInTheEnvironment) {
  const auto result = check_config(kConfigDir + "/twilio-cloud.json", kCloudKeys);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  for (const auto& assignment : kCloudKeys) {
    const std::string value = assignment.substr(assignment.find('=') + 1);
    if (value.find("test") != std::string::npos) {
      EXPECT_THAT(result.output, Not(HasSubstr(value))) << "a secret was printed";
    }
  }
}

TEST(ShippedConfigsTest, TheCloudStackNamesAMissingKey) {
  std::vector<std::string> without_deepgram;
  for (const auto& assignment : kCloudKeys) {
    if (assignment.rfind("DEEPGRAM_API_KEY=", 0) != 0) without_deepgram.push_back(assignment);
  }
  const auto result = check_config(kConfigDir + "/twilio-cloud.json", without_deepgram);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, HasSubstr("DEEPGRAM_API_KEY")) << result.output;
}

}  // namespace
}  // namespace callagent::testing
