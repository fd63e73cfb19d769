#include "host/app/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace callagent::host {
namespace {

CommandLineResult parse(std::vector<const char*> arguments) {
  arguments.insert(arguments.begin(), "callagent");
  return parse_command_line(static_cast<int>(arguments.size()), arguments.data());
}

TEST(CommandLineTest, ReadsConfigPortAndLogFormat) {
  const auto result = parse({"--config", "my.json", "--port", "0", "--log-format", "json"});
  ASSERT_TRUE(result.command_line) << result.error;
  EXPECT_EQ(result.command_line->config_file, "my.json");
  EXPECT_EQ(result.command_line->port, 0);
  EXPECT_EQ(result.command_line->log_format, "json");
}

TEST(CommandLineTest, CheckConfigTakesAnOptionalFile) {
  auto with_file = parse({"--check-config", "broken.json"});
  ASSERT_TRUE(with_file.command_line);
  EXPECT_TRUE(with_file.command_line->check_config);
  EXPECT_EQ(with_file.command_line->config_file, "broken.json");
  auto with_config = parse({"--config", "a.json", "--check-config"});
  ASSERT_TRUE(with_config.command_line);
  EXPECT_EQ(with_config.command_line->config_file, "a.json");
}

TEST(CommandLineTest, HelpDocumentsEveryOption) {
  const auto result = parse({"--help"});
  ASSERT_TRUE(result.command_line);
  EXPECT_TRUE(result.command_line->show_help);
  for (const char* option : {"--config", "--port", "--plugin-dir", "--log-format", "--log-level",
                             "--check-config", "--print-config", "--list-plugins", "--version"}) {
    EXPECT_THAT(result.command_line->help_text, ::testing::HasSubstr(option));
  }
}

TEST(CommandLineTest, RejectsBadValuesWithAReason) {
  EXPECT_THAT(parse({"--port", "70000"}).error, ::testing::HasSubstr("--port"));
  EXPECT_THAT(parse({"--log-format", "xml"}).error, ::testing::HasSubstr("pretty or json"));
  EXPECT_THAT(parse({"--log-level", "loud"}).error, ::testing::HasSubstr("--log-level"));
  EXPECT_THAT(parse({"--frobnicate"}).error, ::testing::HasSubstr("frobnicate"));
}

}  // namespace
}  // namespace callagent::host
