// The config subtree: parsing, and the file checks validate_config adds. No decoder is
// loaded here, so these run in milliseconds.
#include <gtest/gtest.h>

#include <string>

#include "plugins/stt/pocketsphinx/model_files.h"
#include "plugins/stt/pocketsphinx/pocketsphinx_config.h"
#include "plugins/stt/pocketsphinx/pocketsphinx_stt.h"
#include "temporary_folder.h"

namespace callagent::plugins::pocketsphinx {
namespace {

using testing::TemporaryFolder;

void expect_config_error(const std::string& config_json, const std::string& message) {
  const auto parsed = parse_pocketsphinx_config(config_json);
  ASSERT_FALSE(parsed.is_ok()) << config_json;
  EXPECT_EQ(parsed.status().code(), ErrorCode::invalid_config) << config_json;
  EXPECT_EQ(parsed.status().message(), message) << config_json;
  // validate_config refuses it the same way, without touching the files.
  EXPECT_EQ(PocketsphinxStt::validate_config(config_json).message(), message) << config_json;
}

void expect_file_error(const std::string& config_json, const std::string& message) {
  const Status status = PocketsphinxStt::validate_config(config_json);
  EXPECT_EQ(status.code(), ErrorCode::invalid_config) << config_json;
  EXPECT_EQ(status.message(), message) << config_json;
}

std::string json_string(const std::string& text) { return "\"" + text + "\""; }

TEST(PocketsphinxConfigTest, DefaultsPointAtDebiansEnglishModel) {
  const auto parsed = parse_pocketsphinx_config("");
  ASSERT_TRUE(parsed.is_ok());
  const PocketsphinxConfig& config = parsed.value();
  EXPECT_EQ(config.model_dir, "/usr/share/pocketsphinx/model/en-us/en-us");
  EXPECT_EQ(config.dictionary, "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict");
  EXPECT_EQ(config.language_model, "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin");
  EXPECT_TRUE(config.grammar.empty());
  EXPECT_EQ(config.end_of_utterance_silence_ms, 600);
  EXPECT_EQ(config.interim_interval_ms, 400);
  EXPECT_EQ(config.decoders, 2U);
  EXPECT_EQ(config.log_file, "/dev/null");
  EXPECT_TRUE(PocketsphinxStt::validate_config("{}").is_ok());
  EXPECT_TRUE(PocketsphinxStt::validate_config(" \n").is_ok());
}

TEST(PocketsphinxConfigTest, ReadsEveryKey) {
  TemporaryFolder folder;
  const std::string grammar = folder.write("menu.gram", "#JSGF V1.0;\n");
  const std::string config_json = R"({"grammar": )" + json_string(grammar) +
                                  R"(, "end_of_utterance_silence_ms": 900, "interim_interval_ms": 0,
      "decoders": 3, "log_file": )" + json_string((folder.path() / "ps.log").string()) + "}";
  const auto parsed = parse_pocketsphinx_config(config_json);
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
  EXPECT_EQ(parsed.value().grammar, grammar);
  EXPECT_EQ(parsed.value().end_of_utterance_silence_ms, 900);
  EXPECT_EQ(parsed.value().interim_interval_ms, 0);
  EXPECT_EQ(parsed.value().decoders, 3U);
  EXPECT_TRUE(PocketsphinxStt::validate_config(config_json).is_ok());
}

TEST(PocketsphinxConfigTest, RefusesUnknownKeysAndWrongValuesNamingTheKey) {
  expect_config_error(R"({"model": "small"})",
                      "model: unknown key (known: model_dir, dictionary, language_model, grammar, "
                      "end_of_utterance_silence_ms, interim_interval_ms, decoders, log_file)");
  expect_config_error(R"({"decoders": 0})", "decoders: expected an integer from 1 to 16");
  expect_config_error(R"({"decoders": 17})", "decoders: expected an integer from 1 to 16");
  expect_config_error(R"({"decoders": "2"})", "decoders: expected an integer from 1 to 16");
  expect_config_error(R"({"decoders": 1.5})", "decoders: expected an integer from 1 to 16");
  expect_config_error(R"({"end_of_utterance_silence_ms": 50})",
                      "end_of_utterance_silence_ms: expected an integer from 100 to 10000");
  expect_config_error(R"({"interim_interval_ms": -1})",
                      "interim_interval_ms: expected an integer from 0 to 60000");
  expect_config_error(R"({"model_dir": ""})", "model_dir: expected a non-empty string (a file path)");
  expect_config_error(R"({"dictionary": 5})", "dictionary: expected a non-empty string (a file path)");
  expect_config_error(R"({"log_file": null})", "log_file: expected a non-empty string (a file path)");
  expect_config_error("[1]", "expected a JSON object, got array");
  expect_config_error("{", "expected a JSON object, got text that is not JSON");
}

TEST(PocketsphinxConfigTest, RefusesKeywordsWithTheReasonAndAGrammarBesideALanguageModel) {
  const auto keywords = parse_pocketsphinx_config(R"({"keywords": ["refund"]})");
  ASSERT_FALSE(keywords.is_ok());
  EXPECT_EQ(keywords.status().message().rfind("keywords: not supported", 0), 0U)
      << keywords.status().message();
  expect_config_error(R"({"grammar": "a.gram", "language_model": "b.lm"})",
                      "grammar: replaces the language model; give grammar or language_model, not both");
}

TEST(PocketsphinxConfigTest, ValidationNamesTheKeyAndPathOfAMissingFile) {
  TemporaryFolder folder;
  expect_file_error(R"({"model_dir": "/nonexistent/am"})", "model_dir: /nonexistent/am does not exist");
  const std::string not_a_folder = folder.write("file", "x");
  expect_file_error(R"({"model_dir": )" + json_string(not_a_folder) + "}",
                    "model_dir: " + not_a_folder + " is not a directory");
  expect_file_error(R"({"model_dir": )" + json_string(folder.path().string()) + "}",
                    "model_dir: " + folder.path().string() +
                        " has no mdef: not a PocketSphinx acoustic model folder");
  expect_file_error(R"({"dictionary": "/nonexistent/words.dict"})",
                    "dictionary: /nonexistent/words.dict does not exist");
  expect_file_error(R"({"language_model": "/nonexistent/en.lm.bin"})",
                    "language_model: /nonexistent/en.lm.bin does not exist");
  expect_file_error(R"({"grammar": "/nonexistent/menu.gram"})",
                    "grammar: /nonexistent/menu.gram does not exist");
  expect_file_error(R"({"log_file": "/nonexistent/folder/ps.log"})",
                    "log_file: /nonexistent/folder/ps.log is in a folder that does not exist");
  // With a grammar the language model is not used, so it is not checked either.
  const std::string grammar = folder.write("menu.gram", "#JSGF V1.0;\n");
  EXPECT_TRUE(PocketsphinxStt::validate_config(R"({"grammar": )" + json_string(grammar) + "}").is_ok());
}

}  // namespace
}  // namespace callagent::plugins::pocketsphinx
