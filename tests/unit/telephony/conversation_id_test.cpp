#include "host/telephony/conversation_id.h"

#include <set>

#include <gtest/gtest.h>

namespace callagent::telephony {
namespace {

TEST(ConversationIdTest, IdsAre32HexDigitsAndDoNotRepeat) {
  std::set<std::string> seen;
  for (int index = 0; index < 1000; ++index) {
    const auto id = new_conversation_id();
    EXPECT_TRUE(is_conversation_id(id)) << id;
    EXPECT_TRUE(seen.insert(id).second) << "repeated id " << id;
  }
}

TEST(ConversationIdTest, RefusesAnythingElse) {
  EXPECT_FALSE(is_conversation_id(""));
  EXPECT_FALSE(is_conversation_id("0123456789ABCDEF0123456789abcdef"));  // upper case
  EXPECT_FALSE(is_conversation_id("../../etc/passwd0123456789abcdef0"));
  EXPECT_FALSE(is_conversation_id("0123456789abcdef0123456789abcde"));   // 31
}

}  // namespace
}  // namespace callagent::telephony
