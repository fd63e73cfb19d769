#include "host/telephony/call_record.h"

#include <gtest/gtest.h>

namespace callagent::telephony {
namespace {

TEST(CallRecordTest, RoundTripsThroughJson) {
  CallRecord record;
  record.conversation_id = "0123456789abcdef0123456789abcdef";
  record.call_sid = "CA123";
  record.from = "+15550001111";
  record.to = "+15550002222";
  record.direction = "inbound";
  record.status = "completed";
  record.duration_seconds = 12.5;
  record.agent_overrides = {{"initial_message", "Hi"}};
  record.turns = nlohmann::json::array({{{"speaker", "caller"}, {"text", "hello"}}});
  const auto parsed = CallRecord::from_json(record.to_json().dump());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->call_sid, "CA123");
  EXPECT_EQ(parsed->status, "completed");
  EXPECT_EQ(parsed->duration_seconds, 12.5);
  EXPECT_EQ(parsed->agent_overrides["initial_message"], "Hi");
  EXPECT_EQ(parsed->turns[0]["text"], "hello");
}

TEST(CallRecordTest, ToleratesMissingFieldsButNotGarbage) {
  const auto partial = CallRecord::from_json(R"({"conversation_id":"x"})");
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->conversation_id, "x");
  EXPECT_FALSE(partial->duration_seconds);
  EXPECT_FALSE(CallRecord::from_json("not json"));
  EXPECT_FALSE(CallRecord::from_json("[1]"));
}

TEST(CallRecordTest, FormatsIso8601InUtc) {
  EXPECT_EQ(iso8601_from_unix_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_from_unix_ms(1764000000123), "2025-11-24T16:00:00.123Z");
}

}  // namespace
}  // namespace callagent::telephony
