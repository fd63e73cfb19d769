#include "host/config/environment.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "host/config/host_config.h"

namespace callagent::config {
namespace {

using ::testing::HasSubstr;

EnvironmentLookup fixed(std::map<std::string, std::string> values) {
  return layered_environment([](const std::string&) { return std::optional<std::string>(); },
                             std::move(values));
}

TEST(DotenvTest, ReadsPlainQuotedExportedAndCommentedLines) {
  std::vector<ConfigError> errors;
  const auto values = parse_dotenv(
      "# a comment\n"
      "\n"
      "PLAIN=abc\n"
      "export EXPORTED=yes\n"
      "SPACED = value with spaces   # trailing comment\n"
      "SINGLE='literal $x \\n'\n"
      "DOUBLE=\"line\\nnext \\\"quoted\\\"\"\n"
      "EMPTY=\n",
      ".env", errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(values.at("PLAIN"), "abc");
  EXPECT_EQ(values.at("EXPORTED"), "yes");
  EXPECT_EQ(values.at("SPACED"), "value with spaces");
  EXPECT_EQ(values.at("SINGLE"), "literal $x \\n");
  EXPECT_EQ(values.at("DOUBLE"), "line\nnext \"quoted\"");
  EXPECT_EQ(values.at("EMPTY"), "");
}

TEST(DotenvTest, NamesTheFileAndLineOfEachBadLine) {
  std::vector<ConfigError> errors;
  parse_dotenv("GOOD=1\nno equals sign\n1BAD=2\nOPEN=\"unterminated\n", "/etc/x/.env", errors);
  ASSERT_EQ(errors.size(), 3U);
  EXPECT_EQ(errors[0].json_path, "/etc/x/.env:2");
  EXPECT_EQ(errors[1].json_path, "/etc/x/.env:3");
  EXPECT_EQ(errors[2].json_path, "/etc/x/.env:4");
  EXPECT_THAT(errors[2].message, HasSubstr("closing"));
}

TEST(SubstitutionTest, ReplacesReferencesEverywhereAndTypesWholeValues) {
  auto document = nlohmann::json::parse(R"({
    "a": "key-${env:KEY}-end",
    "list": ["${env:KEY}", "$${env:KEY}"],
    "port": "${env:PORT}",
    "flag": "${env:FLAG}",
    "fallback": "${env:MISSING:-default value}",
    "number_in_text": "port ${env:PORT}"
  })");
  std::vector<ConfigError> errors;
  substitute_environment(document, fixed({{"KEY", "secret"}, {"PORT", "8080"}, {"FLAG", "true"}}),
                         errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(document["a"], "key-secret-end");
  EXPECT_EQ(document["list"][0], "secret");
  EXPECT_EQ(document["list"][1], "${env:KEY}");
  EXPECT_EQ(document["port"], 8080);
  EXPECT_EQ(document["flag"], true);
  EXPECT_EQ(document["fallback"], "default value");
  EXPECT_EQ(document["number_in_text"], "port 8080");
}

TEST(SubstitutionTest, UnsetVariableIsAnErrorAtItsPath) {
  auto document = nlohmann::json::parse(R"({"providers": {"events": [{"config": {"k": "${env:NOPE}"}}]}})");
  std::vector<ConfigError> errors;
  substitute_environment(document, fixed({}), errors);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].json_path, "providers.events[0].config.k");
  EXPECT_THAT(errors[0].message, HasSubstr("NOPE is not set"));
}

TEST(SubstitutionTest, MalformedReferencesAreErrors) {
  auto document = nlohmann::json::parse(R"({"a": "${env:OPEN", "b": "${env:bad name}"})");
  std::vector<ConfigError> errors;
  substitute_environment(document, fixed({}), errors);
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_THAT(errors[0].message, HasSubstr("unterminated"));
  EXPECT_THAT(errors[1].message, HasSubstr("not a valid variable name"));
}

TEST(LayeredEnvironmentTest, ProcessEnvironmentWinsOverDotenv) {
  const auto lookup = layered_environment(
      [](const std::string& name) -> std::optional<std::string> {
        if (name == "BOTH") return "from process";
        return std::nullopt;
      },
      {{"BOTH", "from file"}, {"FILE_ONLY", "file"}});
  EXPECT_EQ(lookup("BOTH"), "from process");
  EXPECT_EQ(lookup("FILE_ONLY"), "file");
  EXPECT_EQ(lookup("NEITHER"), std::nullopt);
}

}  // namespace
}  // namespace callagent::config

namespace callagent::config {
namespace {

TEST(SubstitutionTest, ConfigDirNamesTheConfigFilesFolder) {
  auto document = nlohmann::json::parse(R"({"script": "${config_dir}/scripts/a.json", "literal": "$${config_dir}"})");
  std::vector<ConfigError> errors;
  substitute_environment(document, fixed({}), errors, "/opt/callagent/share/callagent/config");
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(document["script"], "/opt/callagent/share/callagent/config/scripts/a.json");
  EXPECT_EQ(document["literal"], "${config_dir}");
}

}  // namespace
}  // namespace callagent::config
