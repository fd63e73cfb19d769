// AudioBacklog: the order and grouping of the audio the worker sends, and the
// empty-to-non-empty signal that decides whether send_audio wakes the worker.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "plugins/stt/deepgram/audio_backlog.h"

namespace callagent::plugins::deepgram {
namespace {

AudioFrame frame_of(std::uint8_t value, std::size_t size, std::int64_t offset_ms) {
  return AudioFrame{std::vector<std::uint8_t>(size, value), offset_ms};
}

TEST(AudioBacklog, OnlyTheFirstPushIntoAnEmptyBacklogReportsEmpty) {
  AudioBacklog backlog(1000);
  EXPECT_TRUE(backlog.push(frame_of(1, 160, 0)).was_empty);
  EXPECT_FALSE(backlog.push(frame_of(2, 160, 20)).was_empty);
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(backlog.take(out, 1000).has_value());
  EXPECT_TRUE(backlog.empty());
  EXPECT_TRUE(backlog.push(frame_of(3, 160, 40)).was_empty);
}

TEST(AudioBacklog, TakeJoinsQueuedChunksInOrderUpToTheLimit) {
  AudioBacklog backlog(10'000);
  for (std::uint8_t i = 0; i < 5; ++i) backlog.push(frame_of(i, 160, 20 * i));
  std::vector<std::uint8_t> out;
  const auto first = backlog.take(out, 3 * 160 + 10);  // room for three whole chunks
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, 0);
  ASSERT_EQ(out.size(), 3U * 160U);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[160], 1);
  EXPECT_EQ(out[479], 2);

  out.clear();
  const auto rest = backlog.take(out, 10'000);
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(*rest, 60);
  ASSERT_EQ(out.size(), 2U * 160U);
  EXPECT_EQ(out.front(), 3);
  EXPECT_EQ(out.back(), 4);
  EXPECT_FALSE(backlog.take(out, 10'000).has_value());
}

TEST(AudioBacklog, TakeAlwaysTakesAtLeastOneChunk) {
  AudioBacklog backlog(10'000);
  backlog.push(frame_of(7, 500, 0));
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(backlog.take(out, 100).has_value());
  EXPECT_EQ(out.size(), 500U);
}

TEST(AudioBacklog, AFrameThatFailedGoesBackInFront) {
  AudioBacklog backlog(10'000);
  backlog.push(frame_of(1, 160, 0));
  backlog.push(frame_of(2, 160, 20));
  std::vector<std::uint8_t> out;
  ASSERT_TRUE(backlog.take(out, 160).has_value());
  backlog.push_front(AudioFrame{out, 0});
  out.clear();
  const auto first = backlog.take(out, 10'000);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, 0);
  ASSERT_EQ(out.size(), 320U);
  EXPECT_EQ(out.front(), 1);
  EXPECT_EQ(out.back(), 2);
}

TEST(AudioBacklog, PastTheBoundTheOldestAudioGoes) {
  AudioBacklog backlog(400);
  backlog.push(frame_of(1, 160, 0));
  backlog.push(frame_of(2, 160, 20));
  EXPECT_EQ(backlog.push(frame_of(3, 160, 40)).dropped_bytes, 160U);
  std::vector<std::uint8_t> out;
  const auto first = backlog.take(out, 10'000);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, 20);
  EXPECT_EQ(out.size(), 320U);
}

}  // namespace
}  // namespace callagent::plugins::deepgram
