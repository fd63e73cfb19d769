// Character alignment to word timings: one chunk, words cut across chunks, and the offset
// of each chunk on the utterance's audio timeline.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "alignment_words.h"

namespace callagent::plugins {
namespace {

CharAlignment make(const std::string& chars, std::vector<std::int64_t> starts, std::vector<std::int64_t> durations) {
  CharAlignment alignment;
  for (const char c : chars) alignment.chars.emplace_back(1, c);
  alignment.start_ms = std::move(starts);
  alignment.duration_ms = std::move(durations);
  return alignment;
}

void expect_word(const TtsWordTiming& word, const std::string& text, std::int64_t start_ms, std::int64_t end_ms) {
  EXPECT_EQ(word.text, text);
  EXPECT_EQ(word.start_ms, start_ms) << text;
  EXPECT_EQ(word.end_ms, end_ms) << text;
}

TEST(AlignmentWords, OneChunkFromTheSpecExample) {
  AlignmentWords words;
  const auto completed = words.add(make("Hello world", {0, 3, 7, 9, 11, 12, 13, 15, 17, 19, 21},
                                        {3, 4, 2, 2, 1, 1, 2, 2, 2, 2, 3}),
                                   0);
  ASSERT_EQ(completed.size(), 1u);
  expect_word(completed[0], "Hello", 0, 12);
  // "world" has no space after it yet: it ends with the stream.
  const auto last = words.finish();
  ASSERT_EQ(last.size(), 1u);
  expect_word(last[0], "world", 13, 24);
  EXPECT_TRUE(words.finish().empty());
}

TEST(AlignmentWords, TheObservedMessage) {
  AlignmentWords words;
  const auto completed = words.add(make("Hello World ", {0, 104, 174, 209, 255, 313, 372, 406, 464, 522, 592, 662},
                                        {104, 70, 35, 46, 58, 59, 34, 58, 58, 70, 70, 360}),
                                   0);
  ASSERT_EQ(completed.size(), 2u);
  expect_word(completed[0], "Hello", 0, 313);
  expect_word(completed[1], "World", 372, 662);
  EXPECT_TRUE(words.finish().empty());
}

TEST(AlignmentWords, WordsCutAcrossChunksAreJoinedAndOffset) {
  AlignmentWords words;
  // Chunk 1 (audio 0..30 ms): "Hel". Chunk 2 (30..90 ms): "lo wor". Chunk 3 (90..120 ms): "ld ".
  EXPECT_TRUE(words.add(make("Hel", {0, 10, 20}, {10, 10, 10}), 0).empty());
  const auto second = words.add(make("lo wor", {0, 10, 20, 30, 40, 50}, {10, 10, 10, 10, 10, 10}), 30);
  ASSERT_EQ(second.size(), 1u);
  expect_word(second[0], "Hello", 0, 50);
  const auto third = words.add(make("ld ", {0, 10, 20}, {10, 10, 10}), 90);
  ASSERT_EQ(third.size(), 1u);
  expect_word(third[0], "world", 60, 110);
  EXPECT_TRUE(words.finish().empty());
}

TEST(AlignmentWords, ResetForgetsAnOpenWord) {
  AlignmentWords words;
  EXPECT_TRUE(words.add(make("abc", {0, 1, 2}, {1, 1, 1}), 0).empty());
  words.reset();
  EXPECT_TRUE(words.finish().empty());
}

}  // namespace
}  // namespace callagent::plugins
