#include "host/pipeline/phrase_matcher.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace callagent::pipeline {
namespace {

TEST(NormalizeWordsTest, LowerCasesDropsPunctuationAndCollapsesWhitespace) {
  EXPECT_EQ(normalize_words("Bye-bye!  "), "bye bye");
  EXPECT_EQ(normalize_words("  That's   GREAT,\tthanks.\n"), "that's great thanks");
  EXPECT_EQ(normalize_words("Mm-hm."), "mm hm");
  EXPECT_EQ(normalize_words("Uh-huh..."), "uh huh");
  EXPECT_EQ(normalize_words("Call me at 5, e.g. tomorrow?"), "call me at 5 eg tomorrow");
}

TEST(NormalizeWordsTest, ApostrophesStayInsideWordsOnly) {
  EXPECT_EQ(normalize_words("'Yes,' she said, \"it's fine\""), "yes she said it's fine");
  EXPECT_EQ(normalize_words("rock 'n' roll"), "rock n roll");
  // Typographic apostrophes, as STT and LLMs write them, count as plain ones.
  EXPECT_EQ(normalize_words("That\xE2\x80\x99s right"), "that's right");
}

TEST(NormalizeWordsTest, DashesOfAnyKindSeparateWords) {
  const std::string en_dash = "\xE2\x80\x93";
  const std::string em_dash = "\xE2\x80\x94";
  EXPECT_EQ(normalize_words("mm" + en_dash + "hm"), "mm hm");
  EXPECT_EQ(normalize_words("okay" + em_dash + "bye"), "okay bye");
}

TEST(NormalizeWordsTest, NothingButPunctuationIsEmpty) {
  EXPECT_EQ(normalize_words(""), "");
  EXPECT_EQ(normalize_words("  ... !? -- ''"), "");
}

PhraseMatcher goodbye_matcher() {
  return PhraseMatcher({"goodbye", "bye", "Bye-bye", "talk to you later", "have a good day"});
}

TEST(PhraseMatcherTest, FindsGoodbyesAsWholeWords) {
  const PhraseMatcher matcher = goodbye_matcher();
  EXPECT_TRUE(matcher.contains_phrase("Ok, goodbye then"));
  EXPECT_TRUE(matcher.contains_phrase("GOODBYE!"));
  EXPECT_TRUE(matcher.contains_phrase("Bye-bye!"));
  EXPECT_TRUE(matcher.contains_phrase("Alright, talk to you later."));
  EXPECT_TRUE(matcher.contains_phrase("Thanks, have a good day!"));
  EXPECT_TRUE(matcher.contains_phrase("bye"));
}

TEST(PhraseMatcherTest, PartsOfWordsAndPartsOfPhrasesDoNotMatch) {
  const PhraseMatcher matcher = goodbye_matcher();
  EXPECT_FALSE(matcher.contains_phrase("goodbyes are hard"));
  EXPECT_FALSE(matcher.contains_phrase("let me bypass that"));
  EXPECT_FALSE(matcher.contains_phrase("byebye"));
  EXPECT_FALSE(matcher.contains_phrase("I'll talk to you tomorrow"));
  EXPECT_FALSE(matcher.contains_phrase("have a good one"));
  EXPECT_FALSE(matcher.contains_phrase(""));
}

TEST(PhraseMatcherTest, BackchannelOnlyUtterances) {
  const PhraseMatcher matcher(default_backchannel_phrases());
  EXPECT_TRUE(matcher.consists_only_of_phrases("yeah okay"));
  EXPECT_TRUE(matcher.consists_only_of_phrases("mm-hm"));
  EXPECT_TRUE(matcher.consists_only_of_phrases("Uh-huh."));
  EXPECT_TRUE(matcher.consists_only_of_phrases("Mhm."));
  EXPECT_TRUE(matcher.consists_only_of_phrases("Mm hm"));
  EXPECT_TRUE(matcher.consists_only_of_phrases("All right."));
  EXPECT_TRUE(matcher.consists_only_of_phrases("Alright, got it."));
  EXPECT_TRUE(matcher.consists_only_of_phrases("OK, ok, I see."));
  EXPECT_TRUE(matcher.consists_only_of_phrases("Um, yes, right, sure, yep, hmm, uh"));
}

TEST(PhraseMatcherTest, UtterancesWithMoreThanBackchannelsAreNot) {
  const PhraseMatcher matcher(default_backchannel_phrases());
  EXPECT_FALSE(matcher.consists_only_of_phrases("yeah I want to book"));
  EXPECT_FALSE(matcher.consists_only_of_phrases("okay so"));
  EXPECT_FALSE(matcher.consists_only_of_phrases("I see a problem"));
  EXPECT_FALSE(matcher.consists_only_of_phrases("all"));
  EXPECT_FALSE(matcher.consists_only_of_phrases("yeahs"));
  EXPECT_FALSE(matcher.consists_only_of_phrases(""));
  EXPECT_FALSE(matcher.consists_only_of_phrases("  ...  "));
  // It still contains one, which is what goodbye detection would ask.
  EXPECT_TRUE(matcher.contains_phrase("yeah I want to book"));
}

TEST(PhraseMatcherTest, SegmentationTriesEveryWayNotJustTheLongestPhraseFirst) {
  // Taking "a b" first leaves "c", which is no phrase; "a" + "b c" covers everything.
  const PhraseMatcher matcher({"a b", "a", "b c"});
  EXPECT_TRUE(matcher.consists_only_of_phrases("a b c"));
  EXPECT_TRUE(matcher.consists_only_of_phrases("a b a"));
  EXPECT_FALSE(matcher.consists_only_of_phrases("a b c c"));
}

TEST(PhraseMatcherTest, PhrasesOfOnlyPunctuationAreIgnored) {
  const PhraseMatcher matcher({"", "!!", " - "});
  EXPECT_FALSE(matcher.contains_phrase("anything at all"));
  EXPECT_FALSE(matcher.contains_phrase(""));
  EXPECT_FALSE(matcher.consists_only_of_phrases("!!"));
}

TEST(PhraseMatcherTest, DefaultBackchannelsIncludeTheCommonSpellings) {
  const std::vector<std::string>& phrases = default_backchannel_phrases();
  for (const std::string expected : {"mm-hm", "uh-huh", "mhm", "ok", "okay", "all right", "alright",
                                     "yeah", "got it", "i see"}) {
    EXPECT_NE(std::find(phrases.begin(), phrases.end(), expected), phrases.end()) << expected;
  }
}

}  // namespace
}  // namespace callagent::pipeline
