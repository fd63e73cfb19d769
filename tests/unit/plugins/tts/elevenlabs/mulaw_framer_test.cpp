// Re-framing network-sized pieces into 160-byte (20 ms) chunks.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "mulaw_framer.h"

namespace callagent::plugins {
namespace {

TEST(MulawFramer, CutsAnyPiecesIntoWholeFramesAndFlushesTheRest) {
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
  for (std::size_t at = 0; at < input.size(); at += 77) {
    ASSERT_TRUE(framer.push(input.data() + at, std::min<std::size_t>(77, input.size() - at), emit));
  }
  ASSERT_TRUE(framer.flush(emit));
  EXPECT_EQ(output, input);
  ASSERT_EQ(sizes.size(), 7u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(sizes[i], kMulawFrameBytes);
  EXPECT_EQ(sizes[6], 40u);
}

TEST(MulawFramer, StopsWhenAskedTo) {
  std::vector<std::uint8_t> input(800);
  int calls = 0;
  MulawFramer framer;
  EXPECT_FALSE(framer.push(input.data(), input.size(), [&](const std::uint8_t*, std::size_t) { return ++calls < 2; }));
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace callagent::plugins
