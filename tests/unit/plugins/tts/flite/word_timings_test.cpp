#include "plugins/tts/flite/word_timings.h"

#include <gtest/gtest.h>

namespace callagent::plugins {
namespace {

SpokenToken spoken(std::string text, std::int64_t start_ms, std::int64_t end_ms) {
  return SpokenToken{std::move(text), true, start_ms, end_ms};
}
SpokenToken silent(std::string text) {
  return SpokenToken{std::move(text), false, 0, 0};
}

TEST(WordTimingsForSpan, UsesTheWrittenWordsShiftedToTheUtterance) {
  const std::vector<SpokenToken> tokens{spoken("Its", 100, 300), spoken("$42.50,", 300, 1900)};
  const auto timings = word_timings_for_span("It's $42.50,", tokens, 2000);
  ASSERT_EQ(timings.size(), 2U);
  EXPECT_EQ(timings[0].text, "It's");
  EXPECT_EQ(timings[0].start_ms, 2100);
  EXPECT_EQ(timings[0].end_ms, 2300);
  EXPECT_EQ(timings[1].text, "$42.50,");
  EXPECT_EQ(timings[1].start_ms, 2300);
  EXPECT_EQ(timings[1].end_ms, 3900);
}

TEST(WordTimingsForSpan, GivesUnvoicedWordsAZeroLengthTimeAfterThePreviousWord) {
  const std::vector<SpokenToken> tokens{silent("-"), spoken("well", 200, 500), silent("-"),
                                        spoken("known", 600, 900)};
  const auto timings = word_timings_for_span("- well - known", tokens, 0);
  ASSERT_EQ(timings.size(), 4U);
  EXPECT_EQ(timings[0].start_ms, 0);
  EXPECT_EQ(timings[0].end_ms, 0);
  EXPECT_EQ(timings[2].text, "-");
  EXPECT_EQ(timings[2].start_ms, 500);
  EXPECT_EQ(timings[2].end_ms, 500);
  EXPECT_EQ(timings[3].start_ms, 600);
}

TEST(WordTimingsForSpan, NeverGoesBackwards) {
  const std::vector<SpokenToken> tokens{spoken("a", 100, 400), spoken("b", 300, 350)};
  const auto timings = word_timings_for_span("a b", tokens, 0);
  ASSERT_EQ(timings.size(), 2U);
  EXPECT_EQ(timings[1].start_ms, 400);
  EXPECT_EQ(timings[1].end_ms, 400);
}

TEST(WordTimingsForSpan, FallsBackToFlitesTokensWhenTheCountsDiffer) {
  const std::vector<SpokenToken> tokens{spoken("one", 0, 100), spoken("two", 100, 200)};
  const auto timings = word_timings_for_span("one-two", tokens, 0);
  ASSERT_EQ(timings.size(), 2U);
  EXPECT_EQ(timings[0].text, "one");
  EXPECT_EQ(timings[1].text, "two");
}

TEST(WordTimingsForSpan, IsEmptyWithoutTokens) {
  EXPECT_TRUE(word_timings_for_span("", {}, 0).empty());
}

}  // namespace
}  // namespace callagent::plugins
