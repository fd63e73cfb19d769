#include "plugins/tts/flite/text_for_flite.h"

#include <gtest/gtest.h>

#include <string>

namespace callagent::plugins {
namespace {

TEST(CleanTextForFlite, KeepsPlainAsciiAsItIs) {
  const std::string text = "It costs $42.50, Dr. Smith - at 3:30pm! (Really?) \"Yes.\" 100%";
  EXPECT_EQ(clean_text_for_flite(text), text);
}

TEST(CleanTextForFlite, TurnsControlCharactersIntoSpaces) {
  EXPECT_EQ(clean_text_for_flite(std::string("a\tb\nc\rd\0e\x1b" "f\x7fg", 13)), "a b c d e f g");
  EXPECT_EQ(clean_text_for_flite("a\u0085b"), "a b");  // C1 "next line"
}

TEST(CleanTextForFlite, MapsTypographicPunctuationToAscii) {
  EXPECT_EQ(clean_text_for_flite("I\u2019m \u201Cfine\u201D \u2018ok\u2019"), "I'm \"fine\" 'ok'");
  EXPECT_EQ(clean_text_for_flite("well\u2014known 3\u20135"), "well-known 3-5");
  EXPECT_EQ(clean_text_for_flite("wait\u2026"), "wait...");
  EXPECT_EQ(clean_text_for_flite("10\u00A0am"), "10 am");
}

TEST(CleanTextForFlite, DropsDiacriticsAndZeroWidthCharacters) {
  EXPECT_EQ(clean_text_for_flite("caf\u00E9 na\u00EFve \u00C5ngstr\u00F6m Stra\u00DFe"), "cafe naive Angstrom Strasse");
  EXPECT_EQ(clean_text_for_flite("\uFEFFzero\u200Bwidth"), "zerowidth");
}

TEST(CleanTextForFlite, ReplacesWhatFliteCannotSayWithSpaces) {
  EXPECT_EQ(clean_text_for_flite("hi \U0001F600 there"), "hi   there");
  EXPECT_EQ(clean_text_for_flite("\u65E5\u672C"), "  ");
}

TEST(CleanTextForFlite, ReplacesInvalidUtf8ByteByByte) {
  EXPECT_EQ(clean_text_for_flite("a\xff" "b"), "a b");
  EXPECT_EQ(clean_text_for_flite("a\xc3"), "a ");                // cut short
  EXPECT_EQ(clean_text_for_flite("a\xc0\xaf" "b"), "a  b");      // overlong '/'
  EXPECT_EQ(clean_text_for_flite("a\xed\xa0\x80" "b"), "a   b");  // a surrogate
}

TEST(SplitForSynthesis, KeepsShortTextWholeAndTrimmed) {
  const auto spans = split_for_synthesis("  Hello there.  ", 300);
  ASSERT_EQ(spans.size(), 1U);
  EXPECT_EQ(spans[0], "Hello there.");
}

TEST(SplitForSynthesis, GivesNothingForBlankText) {
  EXPECT_TRUE(split_for_synthesis("", 300).empty());
  EXPECT_TRUE(split_for_synthesis("     ", 300).empty());
}

TEST(SplitForSynthesis, PrefersSentenceEndsThenClausesThenSpaces) {
  const auto at_sentences = split_for_synthesis("One two. Three, four five six", 20);
  ASSERT_EQ(at_sentences.size(), 2U);
  EXPECT_EQ(at_sentences[0], "One two.");
  EXPECT_EQ(at_sentences[1], "Three, four five six");

  const auto at_clauses = split_for_synthesis("One two, three four five six", 20);
  ASSERT_EQ(at_clauses.size(), 2U);
  EXPECT_EQ(at_clauses[0], "One two,");

  const auto at_spaces = split_for_synthesis("One two three four five six", 20);
  ASSERT_EQ(at_spaces.size(), 2U);
  EXPECT_EQ(at_spaces[0], "One two three four");
  EXPECT_EQ(at_spaces[1], "five six");
}

TEST(SplitForSynthesis, IgnoresPunctuationInsideAWord) {
  const auto spans = split_for_synthesis("Pay $42.50 to them now please", 20);
  ASSERT_EQ(spans.size(), 2U);
  EXPECT_EQ(spans[0], "Pay $42.50 to them");
}

TEST(SplitForSynthesis, CutsAnOverlongWordAnywhere) {
  const auto spans = split_for_synthesis(std::string(45, 'x'), 20);
  ASSERT_EQ(spans.size(), 3U);
  EXPECT_EQ(spans[0].size(), 20U);
  EXPECT_EQ(spans[2].size(), 5U);
}

TEST(SplitForSynthesis, NoSpanIsLongerThanTheLimitAndNothingIsLost) {
  std::string text;
  for (int sentence = 0; sentence < 40; ++sentence) {
    text += "Sentence number " + std::to_string(sentence) + ", which has a clause; and more words. ";
  }
  const auto spans = split_for_synthesis(text, 100);
  std::string joined;
  for (const auto span : spans) {
    EXPECT_LE(span.size(), 100U);
    EXPECT_FALSE(span.empty());
    if (!joined.empty()) joined += ' ';
    joined += span;
  }
  EXPECT_EQ(joined + " ", text);
}

}  // namespace
}  // namespace callagent::plugins
