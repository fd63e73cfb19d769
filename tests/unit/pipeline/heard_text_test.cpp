#include "host/pipeline/heard_text.h"

#include <gtest/gtest.h>

namespace callagent::pipeline {
namespace {

std::vector<SpokenSegment> two_sentences() {
  return {{"Hello there.", 8000, true, {}}, {"How can I help you today?", 16000, true, {}}};
}

TEST(HeardTextTest, WholeSegmentsBeforeThePlayingOne) {
  EXPECT_EQ(heard_text(two_sentences(), 1, 0), "Hello there.");
  EXPECT_EQ(heard_text(two_sentences(), 1, 16000), "Hello there. How can I help you today?");
}

TEST(HeardTextTest, PartOfTheSegmentByProportionCutToAWord) {
  // Half of 25 characters ends inside "help": cut back to the last whole word.
  EXPECT_EQ(heard_text(two_sentences(), 1, 8000), "Hello there. How can I");
  EXPECT_EQ(heard_text(two_sentences(), 0, 100), "");
}

TEST(HeardTextTest, WordTimingsWinOverProportion) {
  auto segments = two_sentences();
  segments[1].words = {{"How", 0, 200}, {"can", 200, 400}, {"I", 400, 500}, {"help", 500, 900}};
  EXPECT_EQ(heard_text(segments, 1, 450 * 8), "Hello there. How can");
}

}  // namespace
}  // namespace callagent::pipeline
