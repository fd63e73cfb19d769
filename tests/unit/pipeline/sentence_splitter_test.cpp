#include "host/pipeline/sentence_splitter.h"

#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace callagent::pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using Pieces = std::vector<std::string>;

void append(Pieces& all, const Pieces& more) { all.insert(all.end(), more.begin(), more.end()); }

// Everything the splitter produces for `text` fed in `deltas`, the flushed rest included
// (when not empty).
Pieces split_in_deltas(SentenceSplitter& splitter, const std::vector<std::string_view>& deltas) {
  Pieces pieces;
  for (const std::string_view delta : deltas) append(pieces, splitter.add(delta));
  if (std::string rest = splitter.flush(); !rest.empty()) pieces.push_back(std::move(rest));
  return pieces;
}

Pieces split_whole(std::string_view text, std::size_t first_piece_min_chars = 20,
                   std::size_t min_chars = 8) {
  SentenceSplitter splitter(first_piece_min_chars, min_chars);
  return split_in_deltas(splitter, {text});
}

Pieces split_one_byte_at_a_time(std::string_view text, std::size_t first_piece_min_chars = 20,
                                std::size_t min_chars = 8) {
  SentenceSplitter splitter(first_piece_min_chars, min_chars);
  std::vector<std::string_view> deltas;
  for (std::size_t index = 0; index < text.size(); ++index) deltas.push_back(text.substr(index, 1));
  return split_in_deltas(splitter, deltas);
}

TEST(SentenceSplitterTest, FirstClauseIsEmittedAsSoonAsTheSpaceAfterItArrives) {
  SentenceSplitter splitter(20, 8);
  EXPECT_THAT(splitter.add("Let me check the calendar for you,"), IsEmpty());
  EXPECT_THAT(splitter.add(" one"), ElementsAre("Let me check the calendar for you,"));
  EXPECT_THAT(splitter.add(" moment. Tuesday works, and so"), ElementsAre("one moment."));
  // After the first piece only sentences end pieces: "Tuesday works," stays whole.
  EXPECT_THAT(splitter.add(" does Wednesday."), IsEmpty());
  EXPECT_EQ(splitter.flush(), "Tuesday works, and so does Wednesday.");
}

TEST(SentenceSplitterTest, AFirstClauseShorterThanTheMinimumWaitsForTheSentence) {
  // "Sure," has 5 characters, under 20: the first piece is the whole first sentence.
  EXPECT_THAT(split_one_byte_at_a_time("Sure, I can help you with that. What day works?"),
              ElementsAre("Sure, I can help you with that.", "What day works?"));
}

TEST(SentenceSplitterTest, ALowerFirstPieceMinimumCutsAtTheFirstComma) {
  EXPECT_THAT(split_one_byte_at_a_time("Sure, I can help you with that. What day works?", 4),
              ElementsAre("Sure,", "I can help you with that.", "What day works?"));
}

TEST(SentenceSplitterTest, ClauseEndersIncludeSemicolonColonAndEmDash) {
  EXPECT_THAT(split_whole("Here is what I found for you; two slots are free. Pick one."),
              ElementsAre("Here is what I found for you;", "two slots are free.", "Pick one."));
  EXPECT_THAT(split_whole("These are the options for today: morning or evening."),
              ElementsAre("These are the options for today:", "morning or evening."));
  EXPECT_THAT(split_whole("Let me look into that for you \xE2\x80\x94 one moment please."),
              ElementsAre("Let me look into that for you \xE2\x80\x94", "one moment please."));
}

TEST(SentenceSplitterTest, ASentenceEnderAtTheEndOfTheBufferWaitsForTheNextCharacter) {
  SentenceSplitter splitter(100, 8);
  EXPECT_THAT(splitter.add("It costs 3."), IsEmpty());  // could become "3.5"
  EXPECT_THAT(splitter.add("5 dollars."), IsEmpty());
  EXPECT_THAT(splitter.add(" Anything else?"), ElementsAre("It costs 3.5 dollars."));
  EXPECT_EQ(splitter.flush(), "Anything else?");
}

TEST(SentenceSplitterTest, NumbersAreNotSplit) {
  EXPECT_THAT(
      split_whole("We have 1,000 rooms, and 10:30 works for 3.5 hours. Shall I book?", 1),
      ElementsAre("We have 1,000 rooms,", "and 10:30 works for 3.5 hours.", "Shall I book?"));
}

TEST(SentenceSplitterTest, AbbreviationsAndInitialsAreNotSplit) {
  const std::vector<std::string_view> sentences = {
      "Dr. Smith will see you at 10 a.m. tomorrow.",
      "Mr. and Mrs. Jones live on Elm St. near the park.",
      "Bring an ID, e.g. a passport, i.e. something official.",
      "Ms. J. Smith vs. the city, etc. are on the list.",
      "DR. HOUSE and MS. CUDDY are in at 5 P.M. today.",
      "It is room No. 5 on the left.",
      "The U.S. office opens at nine.",
  };
  for (const std::string_view sentence : sentences) {
    EXPECT_THAT(split_whole(sentence, 1000), ElementsAre(std::string(sentence))) << sentence;
    EXPECT_THAT(split_whole(std::string(sentence) + " Next one here.", 1000),
                ElementsAre(std::string(sentence), "Next one here."))
        << sentence;
  }
}

TEST(SentenceSplitterTest, NoEndsASentenceUnlessANumberFollows) {
  EXPECT_THAT(split_whole("The answer is no. Let me explain why."),
              ElementsAre("The answer is no.", "Let me explain why."));
  SentenceSplitter splitter(100, 8);
  EXPECT_THAT(splitter.add("Please go to gate No. "), IsEmpty());  // "No. 5" or "No. Then"?
  EXPECT_THAT(splitter.add("7 now. "), ElementsAre("Please go to gate No. 7 now."));
}

TEST(SentenceSplitterTest, EllipsisEndsASentenceOnlyBeforeWhitespace) {
  EXPECT_THAT(split_whole("I was like wait...what happened there? Tell me."),
              ElementsAre("I was like wait...what happened there?", "Tell me."));
  EXPECT_THAT(split_whole("Hmm, that is interesting\xE2\x80\xA6 Let me check.", 100),
              ElementsAre("Hmm, that is interesting\xE2\x80\xA6", "Let me check."));
  EXPECT_THAT(split_whole("That is a lot... Let me check."),
              ElementsAre("That is a lot...", "Let me check."));
}

TEST(SentenceSplitterTest, RepeatedMarksStayTogether) {
  EXPECT_THAT(split_whole("Really?! That is great news."),
              ElementsAre("Really?!", "That is great news."));
}

TEST(SentenceSplitterTest, ClosingQuotesAndBracketsBelongToThePiece) {
  EXPECT_THAT(split_whole("He said \"hi.\" Then he left."),
              ElementsAre("He said \"hi.\"", "Then he left."));
  EXPECT_THAT(split_whole("(That is fine.) Next step now."),
              ElementsAre("(That is fine.)", "Next step now."));
  EXPECT_THAT(split_whole("She said \xE2\x80\x9CYes!\xE2\x80\x9D Then she left."),
              ElementsAre("She said \xE2\x80\x9CYes!\xE2\x80\x9D", "Then she left."));
}

TEST(SentenceSplitterTest, NewlinesEndPieces) {
  SentenceSplitter splitter(100, 8);
  EXPECT_THAT(splitter.add("First line here\nSecond line"), ElementsAre("First line here"));
  EXPECT_THAT(splitter.add(" here\n\n"), ElementsAre("Second line here"));
  EXPECT_EQ(splitter.flush(), "");
}

TEST(SentenceSplitterTest, PiecesShorterThanTheMinimumMergeWithTheNext) {
  EXPECT_THAT(split_whole("Yes. I can do that. Ok."), ElementsAre("Yes. I can do that.", "Ok."));
  EXPECT_THAT(split_whole("Hi\nThere is more here."), ElementsAre("Hi\nThere is more here."));
  EXPECT_THAT(split_whole("Yes. I can do that.", 20, 2), ElementsAre("Yes.", "I can do that."));
}

TEST(SentenceSplitterTest, FlushReleasesEverythingAndStartsAFreshResponse) {
  SentenceSplitter splitter(20, 8);
  EXPECT_THAT(splitter.add("Okay, that is booked for you, see"),
              ElementsAre("Okay, that is booked for you,"));
  EXPECT_EQ(splitter.flush(), "see");
  EXPECT_EQ(splitter.flush(), "");
  // The next response again gets its first clause out early.
  EXPECT_THAT(splitter.add("Anything else I can do for you, today or later? "),
              ElementsAre("Anything else I can do for you,", "today or later?"));
}

TEST(SentenceSplitterTest, FlushOfAnUndecidedEndReturnsItTrimmed) {
  SentenceSplitter splitter;
  EXPECT_THAT(splitter.add("  It is done."), IsEmpty());
  EXPECT_EQ(splitter.flush(), "It is done.");
}

TEST(SentenceSplitterTest, ResetForgetsPendingTextAndTheFirstPiece) {
  SentenceSplitter splitter(20, 8);
  EXPECT_THAT(splitter.add("I can help you with that one, sure thing. And"),
              ElementsAre("I can help you with that one,", "sure thing."));
  splitter.reset();
  EXPECT_THAT(splitter.add("Sorry, go ahead, what did you want to say? "),
              ElementsAre("Sorry, go ahead, what did you want to say?"));
  splitter.reset();
  EXPECT_THAT(splitter.add("Of course, I am listening to you, go on please. "),
              ElementsAre("Of course, I am listening to you,", "go on please."));
  EXPECT_EQ(splitter.flush(), "");
}

TEST(SentenceSplitterTest, EmptyInputGivesNothing) {
  SentenceSplitter splitter;
  EXPECT_THAT(splitter.add(""), IsEmpty());
  EXPECT_EQ(splitter.flush(), "");
}

// However the stream is cut into deltas (even inside a UTF-8 character), the pieces are
// the same as for one big delta.
TEST(SentenceSplitterTest, DeltaBoundariesDoNotChangeThePieces) {
  const std::vector<std::string_view> texts = {
      "Sure, I can help you with that. What day works?",
      "Let me check the calendar for you, one moment. Tuesday works, and so does Wednesday.",
      "Dr. Smith sees you at 10:30 a.m. on Main St. tomorrow. It costs 3.5 dollars, e.g. cash.",
      "He said \"hi.\" Then\nhe left\xE2\x80\xA6 Really?! No. 5 is free \xE2\x80\x94 book it.",
      "Well... I think so; the total is 1,000 dollars. Okay? Ok.\n\nBye.",
  };
  for (const std::string_view text : texts) {
    for (const std::size_t first_piece_min_chars : {std::size_t{1}, std::size_t{20}}) {
      const Pieces expected = split_whole(text, first_piece_min_chars);
      ASSERT_FALSE(expected.empty());
      EXPECT_EQ(split_one_byte_at_a_time(text, first_piece_min_chars), expected) << text;
      for (std::size_t cut = 0; cut <= text.size(); ++cut) {
        SentenceSplitter splitter(first_piece_min_chars, 8);
        EXPECT_EQ(split_in_deltas(splitter, {text.substr(0, cut), text.substr(cut)}), expected)
            << text << " cut at " << cut;
      }
    }
  }
}

}  // namespace
}  // namespace callagent::pipeline
