#include "host/logging/json_log_formatter.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/details/log_msg.h>

namespace callagent::host {
namespace {

nlohmann::json format_line(std::string_view text, spdlog::level::level_enum level) {
  JsonLogFormatter formatter;
  spdlog::details::log_msg message(spdlog::source_loc{}, "callagent", level, text);
  spdlog::memory_buf_t buffer;
  formatter.format(message, buffer);
  std::string line(buffer.data(), buffer.size());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one record, one line";
  return nlohmann::json::parse(line);
}

TEST(JsonLogFormatterTest, WritesOneParseableObjectPerRecord) {
  const auto record = format_line("[stt:deepgram call=CA1] connected", spdlog::level::info);
  EXPECT_EQ(record["level"], "info");
  EXPECT_EQ(record["message"], "[stt:deepgram call=CA1] connected");
  EXPECT_EQ(record["time"].get<std::string>().size(), 24U);  // 2026-11-24T10:00:00.123Z
}

TEST(JsonLogFormatterTest, EscapesQuotesNewlinesAndControlCharacters) {
  const auto record = format_line("said \"hi\"\nthen\ttab \x01 back\\slash", spdlog::level::warn);
  EXPECT_EQ(record["message"], "said \"hi\"\nthen\ttab \x01 back\\slash");
  EXPECT_EQ(record["level"], "warn");
}

TEST(JsonLogFormatterTest, KeepsUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(format_line("caf\xC3\xA9", spdlog::level::err)["message"], "caf\xC3\xA9");
  EXPECT_EQ(format_line("bad \xFF byte", spdlog::level::err)["message"], "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace callagent::host
