// Re-framing network-sized pieces into whole 160-byte (20 ms) frames, one chunk per piece.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "mulaw_framer.h"

namespace callagent::plugins {
namespace {

TEST(MulawFramer, HandsOutTheWholeFramesOfEachPieceAsOneChunkAndFlushesTheRest) {
  std::vector<std::uint8_t> input(1000);
  std::iota(input.begin(), input.end(), std::uint8_t{0});
  std::vector<std::size_t> sizes;
  std::vector<std::uint8_t> output;
  const MulawFramer::Emit emit = [&](const std::uint8_t* data, std::size_t size_bytes) {
    sizes.push_back(size_bytes);
    output.insert(output.end(), data, data + size_bytes);
    return true;
  };
  MulawFramer framer;
  // 100 bytes: nothing whole yet; +300: 400 held → 320 out; +600: 80 + 600 → 640 out.
  ASSERT_TRUE(framer.push(input.data(), 100, emit));
  EXPECT_TRUE(sizes.empty());
  ASSERT_TRUE(framer.push(input.data() + 100, 300, emit));
  ASSERT_TRUE(framer.push(input.data() + 400, 600, emit));
  ASSERT_TRUE(framer.flush(emit));
  EXPECT_EQ(output, input) << "every byte once, in order";
  EXPECT_EQ(sizes, (std::vector<std::size_t>{320, 640, 40}));
}

TEST(MulawFramer, APieceOfWholeFramesGoesOutInOneChunk) {
  std::vector<std::uint8_t> input(4800, 7);
  std::vector<std::size_t> sizes;
  MulawFramer framer;
  ASSERT_TRUE(framer.push(input.data(), input.size(), [&](const std::uint8_t*, std::size_t size_bytes) {
    sizes.push_back(size_bytes);
    return true;
  }));
  EXPECT_EQ(sizes, (std::vector<std::size_t>{4800}));
}

TEST(MulawFramer, StopsWhenAskedToAndDropsWhatItHeld) {
  std::vector<std::uint8_t> input(850);
  int calls = 0;
  MulawFramer framer;
  EXPECT_FALSE(framer.push(input.data(), input.size(), [&](const std::uint8_t*, std::size_t) { return ++calls < 1; }));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(framer.flush([&](const std::uint8_t*, std::size_t) { return ++calls > 0; }));
  EXPECT_EQ(calls, 1) << "the 50 bytes after the frames were dropped with the utterance";
}

}  // namespace
}  // namespace callagent::plugins
