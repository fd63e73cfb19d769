// Reply templates: {slot} placeholders, literal braces, and what a malformed one says.
#include "plugins/llm/scripted/reply_template.h"

#include <gtest/gtest.h>

namespace callagent::plugins::scripted {
namespace {

ReplyTemplate parsed(std::string_view text) {
  auto result = ReplyTemplate::parse(text);
  EXPECT_TRUE(result.is_ok()) << result.status().message();
  return result.is_ok() ? result.value() : ReplyTemplate();
}

std::string parse_error(std::string_view text) {
  auto result = ReplyTemplate::parse(text);
  EXPECT_FALSE(result.is_ok()) << text;
  return result.status().message();
}

TEST(ReplyTemplateTest, FillsPlaceholdersFromSlotValues) {
  const ReplyTemplate reply = parsed("{day} works. {day} {time}, {name}?");
  EXPECT_EQ(reply.placeholder_names(), (std::vector<std::string>{"day", "time", "name"}));
  EXPECT_EQ(reply.render({{"day", "Tuesday"}, {"time", "in the morning"}, {"name", "John"}}),
            "Tuesday works. Tuesday in the morning, John?");
}

TEST(ReplyTemplateTest, AnUnfilledSlotLeavesNoGap) {
  EXPECT_EQ(parsed("You are booked for {day} {time}.").render({{"day", "Friday"}}), "You are booked for Friday .");
  EXPECT_EQ(parsed("Hello {name} and welcome").render({}), "Hello and welcome");
}

TEST(ReplyTemplateTest, DoubledBracesAreLiteral) {
  const ReplyTemplate reply = parsed("Say {{yes}} or }}no{{, {name}");
  EXPECT_EQ(reply.placeholder_names(), (std::vector<std::string>{"name"}));
  EXPECT_EQ(reply.render({{"name", "Ann"}}), "Say {yes} or }no{, Ann");
}

TEST(ReplyTemplateTest, PlainTextAndEmptyText) {
  EXPECT_EQ(parsed("  We are open\nMonday to Friday.  ").render({}), "We are open Monday to Friday.");
  EXPECT_TRUE(parsed("").empty());
  EXPECT_EQ(parsed("").render({}), "");
}

TEST(ReplyTemplateTest, RefusesMalformedPlaceholders) {
  EXPECT_EQ(parse_error("Hello {name"), "\"{\" at character 7 is never closed (write \"{{\" for a literal brace)");
  EXPECT_EQ(parse_error("Hello name}"), "\"}\" without \"{\" at character 11 (write \"}}\" for a literal brace)");
  EXPECT_EQ(parse_error("Hello {}"), "placeholder \"{}\": a slot name holds only letters, digits and _");
  EXPECT_EQ(parse_error("Hello { name }"), "placeholder \"{ name }\": a slot name holds only letters, digits and _");
}

TEST(SlotNameTest, LettersDigitsAndUnderscore) {
  EXPECT_TRUE(is_valid_slot_name("day"));
  EXPECT_TRUE(is_valid_slot_name("time_of_day2"));
  EXPECT_FALSE(is_valid_slot_name(""));
  EXPECT_FALSE(is_valid_slot_name("time-of-day"));
  EXPECT_FALSE(is_valid_slot_name("a.b"));
}

}  // namespace
}  // namespace callagent::plugins::scripted
