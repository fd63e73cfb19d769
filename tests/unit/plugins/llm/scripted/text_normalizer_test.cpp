// Normalising caller text and script phrases, whole-word phrase search, and cutting a
// reply into streamed word deltas.
#include "plugins/llm/scripted/text_normalizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "plugins/llm/scripted/word_deltas.h"

namespace callagent::plugins::scripted {
namespace {

TEST(NormalizeTextTest, LowerCasesStripsPunctuationAndCollapsesSpaces) {
  EXPECT_EQ(normalize_text("Yes, that's RIGHT!"), "yes thats right");
  EXPECT_EQ(normalize_text("  I'd like   to book... an appointment?  "), "id like to book an appointment");
  EXPECT_EQ(normalize_text("a.m."), "a m");
  EXPECT_EQ(normalize_text("[keypad: 0]"), "keypad 0");
  EXPECT_EQ(normalize_text("It\xE2\x80\x99s me"), "its me");  // a typographic apostrophe
  EXPECT_EQ(normalize_text("\t\nHello\r\n"), "hello");
  EXPECT_EQ(normalize_text("?!"), "");
  EXPECT_EQ(normalize_text(""), "");
}

TEST(NormalizeTextTest, KeepsNonAsciiLettersAsTheyAre) {
  EXPECT_EQ(normalize_text("Ren\xC3\xA9 Dupont"), "ren\xC3\xA9 dupont");
}

TEST(NormalizeTextTest, CutsRunawayTextAtAWordBoundary) {
  std::string long_text;
  for (int index = 0; index < 500; ++index) long_text += "word ";
  const std::string normalized = normalize_text(long_text);
  EXPECT_LE(normalized.size(), kMaxMatchedTextChars);
  EXPECT_GT(normalized.size(), kMaxMatchedTextChars - 10);
  EXPECT_EQ(normalized.substr(normalized.size() - 4), "word");
}

TEST(FindPhraseTest, FindsWholeWordsAndPhrasesOnly) {
  EXPECT_EQ(find_phrase("in the morning please", "morning"), 7u);
  EXPECT_EQ(find_phrase("in the morning please", "in the morning"), 0u);
  EXPECT_EQ(find_phrase("morning", "morning"), 0u);
  EXPECT_FALSE(find_phrase("in the morning please", "morn"));
  EXPECT_FALSE(find_phrase("mornings", "morning"));
  EXPECT_FALSE(find_phrase("goodbye", "bye"));
  EXPECT_EQ(find_phrase("bye bye", "bye"), 0u);
  EXPECT_EQ(find_phrase("nobody said no", "no"), 12u);  // skips the "no" inside "nobody"
  EXPECT_FALSE(find_phrase("anything", ""));
  EXPECT_TRUE(contains_phrase("can i talk to a real person", "a real person"));
}

TEST(WordDeltasTest, OneDeltaPerWordEachWithTheSpaceAfterIt) {
  EXPECT_EQ(word_deltas("Sure. Which day would suit you?"),
            (std::vector<std::string>{"Sure. ", "Which ", "day ", "would ", "suit ", "you?"}));
  EXPECT_EQ(word_deltas("  Hello   there \n"), (std::vector<std::string>{"Hello ", "there"}));
  EXPECT_EQ(word_deltas("Goodbye!"), (std::vector<std::string>{"Goodbye!"}));
  EXPECT_TRUE(word_deltas("").empty());
  EXPECT_TRUE(word_deltas("  \t ").empty());
}

}  // namespace
}  // namespace callagent::plugins::scripted
