// The matching rules on small hand-made scripts: slot values and synonyms, regex captures,
// and which intent wins.
#include "plugins/llm/scripted/script_matcher.h"

#include <gtest/gtest.h>

#include "plugins/llm/scripted/script_parser.h"
#include "plugins/llm/scripted/text_normalizer.h"

namespace callagent::plugins::scripted {
namespace {

using nlohmann::json;

std::shared_ptr<const Script> parsed(const std::string& script_json) {
  auto result = parse_script(json::parse(script_json), "script");
  EXPECT_TRUE(result.is_ok()) << result.status().message();
  return result.is_ok() ? result.value() : nullptr;
}

// A script whose one state declares `slot_json` as slot "value".
SlotDefinition slot_from(const std::string& slot_json) {
  const auto script = parsed(R"({"start": "s", "states": {"s": {"slots": {"value": )" + slot_json +
                             R"(}, "intents": [{"name": "i", "requires": ["value"], "reply": "ok"}]}}})");
  return script ? script->states.at("s").slots.at(0) : SlotDefinition{};
}

std::optional<std::string> heard(const SlotDefinition& slot, std::string_view caller_text) {
  return match_slot(slot, normalize_text(caller_text));
}

TEST(MatchSlotTest, ListedValuesMatchAsWholeWordsAndGiveTheValueAsWritten) {
  const SlotDefinition day = slot_from(R"js({"values": ["Monday", "Tuesday"]})js");
  EXPECT_EQ(heard(day, "Tuesday."), "Tuesday");
  EXPECT_EQ(heard(day, "how about monday please"), "Monday");
  EXPECT_FALSE(heard(day, "mondays are bad"));
  EXPECT_FALSE(heard(day, "friday"));
}

TEST(MatchSlotTest, SynonymsMapToTheirCanonicalValue) {
  const SlotDefinition time = slot_from(
      R"({"values": {"in the morning": ["morning", "a.m.", "early"],
                     "in the afternoon": ["afternoon", "after lunch"]}})");
  EXPECT_EQ(heard(time, "In the morning, please"), "in the morning");
  EXPECT_EQ(heard(time, "early if you can"), "in the morning");
  EXPECT_EQ(heard(time, "ten a.m."), "in the morning");
  EXPECT_EQ(heard(time, "sometime after lunch"), "in the afternoon");
  EXPECT_FALSE(heard(time, "whenever"));
}

TEST(MatchSlotTest, TheEarliestMentionWinsThenTheLongerPhrase) {
  const SlotDefinition day = slot_from(R"js({"values": ["Monday", "Tuesday"]})js");
  EXPECT_EQ(heard(day, "tuesday or monday"), "Tuesday");
  EXPECT_EQ(heard(day, "monday or tuesday"), "Monday");
  const SlotDefinition size = slot_from(R"js({"values": {"large": ["extra"], "extra large": []}})js");
  EXPECT_EQ(heard(size, "extra large please"), "extra large");
}

TEST(MatchSlotTest, ARegexSlotTakesTheFirstCaptureGroupThatTookPart) {
  const SlotDefinition name = slot_from(R"js({"regex": "my name is (\\w+)|^(\\w+)$", "capitalize": true})js");
  EXPECT_EQ(heard(name, "My name is John."), "John");
  EXPECT_EQ(heard(name, "anna"), "Anna");  // the second group
  EXPECT_FALSE(heard(name, "I do not know"));

  const SlotDefinition full_name = slot_from(R"js({"regex": "name is (\\w+ \\w+)", "capitalize": true})js");
  EXPECT_EQ(heard(full_name, "my name is john smith"), "John Smith");

  const SlotDefinition as_said = slot_from(R"js({"regex": "name is (\\w+)"})js");
  EXPECT_EQ(heard(as_said, "My name is John"), "john");  // matched on normalised text
}

TEST(MatchSlotTest, ARegexWithoutGroupsTakesTheWholeMatch) {
  const SlotDefinition number = slot_from(R"js({"regex": "\\d{4}"})js");
  EXPECT_EQ(heard(number, "it is 1234 thanks"), "1234");
  EXPECT_FALSE(heard(number, "it is 12"));
}

TEST(MatchSlotTest, AnEmptyCaptureFillsNothing) {
  const SlotDefinition optional_word = slot_from(R"js({"regex": "name is ?(\\w*)"})js");
  EXPECT_FALSE(heard(optional_word, "my name is"));
}

TEST(MatchSlotTest, RunawayInputDoesNotBreakTheRegexEngine) {
  const SlotDefinition name = slot_from(R"js({"regex": "(\\w+)$"})js");
  std::string long_text;
  for (int index = 0; index < 2000; ++index) long_text += "blah ";
  EXPECT_EQ(heard(name, long_text), "blah");
}

TEST(FillSlotsTest, FillsEveryMentionedSlotAndKeepsTheRest) {
  const auto script = parsed(R"({"start": "s", "states": {"s": {
      "slots": {"day": {"values": ["Monday", "Tuesday"]}, "time": {"values": ["morning", "afternoon"]}},
      "intents": [{"name": "i", "requires": ["day"], "reply": "ok"}]}}})");
  ASSERT_TRUE(script);
  SlotValues values{{"time", "afternoon"}, {"name", "Ann"}};
  fill_slots(script->states.at("s").slots, normalize_text("Monday then"), values);
  EXPECT_EQ(values, (SlotValues{{"day", "Monday"}, {"time", "afternoon"}, {"name", "Ann"}}));
  fill_slots(script->states.at("s").slots, normalize_text("no, Tuesday morning"), values);
  EXPECT_EQ(values, (SlotValues{{"day", "Tuesday"}, {"time", "morning"}, {"name", "Ann"}}));  // corrected
}

class IntentMatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    script_ = parsed(R"({"start": "s", "states": {"s": {
        "slots": {"day": {"values": ["Monday"]}, "time": {"values": ["morning"]}},
        "intents": [
          {"name": "book_day", "requires": ["day"], "keywords": ["book"], "reply": "a"},
          {"name": "day_and_time", "requires": ["day", "time"], "reply": "b"},
          {"name": "book", "keywords": ["book", "make an appointment"], "reply": "c"},
          {"name": "hours", "regex": "\\b(open|hours)\\b", "reply": "d"}
        ]}}})");
    ASSERT_TRUE(script_);
  }
  const Intent* first(std::string_view caller_text, const SlotValues& values = {}) const {
    return first_matching_intent(script_->states.at("s").intents, normalize_text(caller_text), values);
  }
  std::shared_ptr<const Script> script_;
};

TEST_F(IntentMatchTest, KeywordsMatchWholeWordsAndPhrases) {
  ASSERT_NE(first("I want to BOOK."), nullptr);
  EXPECT_EQ(first("I want to BOOK.")->name, "book");
  EXPECT_EQ(first("can I make an appointment")->name, "book");
  EXPECT_EQ(first("the booking"), nullptr);       // "book" is not a whole word there
  EXPECT_EQ(first("an appointment"), nullptr);    // only part of the phrase
}

TEST_F(IntentMatchTest, ARegexMatchesAnywhereIgnoringCase) {
  EXPECT_EQ(first("When are you OPEN?")->name, "hours");
  EXPECT_EQ(first("opened"), nullptr);
}

TEST_F(IntentMatchTest, RequiredSlotsMustBeFilledAndKeywordsStillHeard) {
  EXPECT_EQ(first("book", {{"day", "Monday"}})->name, "book_day");
  // Slots alone match an intent with only `requires`...
  EXPECT_EQ(first("whatever", {{"day", "Monday"}, {"time", "morning"}})->name, "day_and_time");
  // ...but not one that also has keywords.
  EXPECT_EQ(first("whatever", {{"day", "Monday"}}), nullptr);
}

TEST_F(IntentMatchTest, TheFirstMatchingIntentInOrderWins) {
  EXPECT_EQ(first("book it, are you open", {{"day", "Monday"}})->name, "book_day");
  EXPECT_EQ(first("book it, are you open")->name, "book");
}

}  // namespace
}  // namespace callagent::plugins::scripted
