#include "host/audio/base64.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace callagent::audio {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

std::string encode(std::string_view text) {
  std::string encoded;
  base64_encode_append(bytes_of(text), encoded);
  return encoded;
}

// Decodes `text`, expecting failure, and returns the reported offset.
std::size_t failing_offset(std::string_view text) {
  std::vector<std::uint8_t> decoded{1, 2, 3};
  std::size_t error_offset = 12345;
  EXPECT_FALSE(base64_decode(text, decoded, error_offset)) << text;
  EXPECT_TRUE(decoded.empty()) << "a failed decode must not leave partial output";
  return error_offset;
}

struct Rfc4648Vector {
  std::string_view plain;
  std::string_view encoded;
};

// RFC 4648 §10 test vectors.
constexpr Rfc4648Vector kRfcVectors[] = {
    {"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

TEST(Base64Test, EncodesTheRfc4648Vectors) {
  for (const auto& vector : kRfcVectors) EXPECT_EQ(encode(vector.plain), vector.encoded) << vector.plain;
}

TEST(Base64Test, DecodesTheRfc4648Vectors) {
  for (const auto& vector : kRfcVectors) {
    std::vector<std::uint8_t> decoded;
    std::size_t error_offset = 0;
    ASSERT_TRUE(base64_decode(vector.encoded, decoded, error_offset)) << vector.encoded;
    EXPECT_EQ(decoded, bytes_of(vector.plain)) << vector.encoded;
  }
}

TEST(Base64Test, EncodingAppendsToWhatIsAlreadyThere) {
  std::string output = "prefix:";
  const std::vector<std::uint8_t> data{'f', 'o', 'o'};
  base64_encode_append(data, output);
  EXPECT_EQ(output, "prefix:Zm9v");
}

TEST(Base64Test, EveryByteValueRoundTripsAtEveryAlignment) {
  std::vector<std::uint8_t> all_bytes(256);
  for (std::size_t value = 0; value < all_bytes.size(); ++value) all_bytes[value] = static_cast<std::uint8_t>(value);
  // Dropping 0, 1 or 2 leading bytes puts each value in each position of a 3-byte group
  // and exercises all three padding cases.
  for (std::size_t skip = 0; skip < 3; ++skip) {
    const std::span<const std::uint8_t> data = std::span(all_bytes).subspan(skip);
    std::string encoded;
    base64_encode_append(data, encoded);
    std::vector<std::uint8_t> decoded;
    std::size_t error_offset = 0;
    ASSERT_TRUE(base64_decode(encoded, decoded, error_offset)) << "skip " << skip;
    EXPECT_EQ(decoded, std::vector<std::uint8_t>(data.begin(), data.end())) << "skip " << skip;
  }
}

TEST(Base64Test, TwentyMillisecondsOfMulawSilenceIs216Characters) {
  const std::vector<std::uint8_t> silence(160, 0xFF);
  std::string encoded;
  base64_encode_append(silence, encoded);
  ASSERT_EQ(encoded.size(), 216U);
  // 53 full groups of 0xFFFFFF ("////") and one leftover 0xFF ("/w==").
  EXPECT_EQ(encoded, std::string(213, '/') + "w==");

  std::vector<std::uint8_t> decoded;
  std::size_t error_offset = 0;
  ASSERT_TRUE(base64_decode(encoded, decoded, error_offset));
  EXPECT_EQ(decoded, silence);
}

TEST(Base64Test, DecodingReusesTheOutputBuffer) {
  std::vector<std::uint8_t> decoded(500, 7);
  std::size_t error_offset = 0;
  ASSERT_TRUE(base64_decode("Zm8=", decoded, error_offset));
  EXPECT_EQ(decoded, bytes_of("fo"));
}

TEST(Base64Test, RejectsALengthThatIsNotAMultipleOfFour) {
  EXPECT_EQ(failing_offset("Zm9"), 3U);
  EXPECT_EQ(failing_offset("Zg="), 3U);   // padding must not be dropped
  EXPECT_EQ(failing_offset("Zm9vY"), 5U);
}

TEST(Base64Test, RejectsCharactersOutsideTheAlphabet) {
  EXPECT_EQ(failing_offset("Zm9v!mFy"), 4U);
  EXPECT_EQ(failing_offset("@@@@"), 0U);
  EXPECT_EQ(failing_offset("Zm-v"), 2U);  // base64url's alphabet is not accepted
  EXPECT_EQ(failing_offset("Zm_v"), 2U);
  EXPECT_EQ(failing_offset("Zm9vYm\xC3\xA9"), 6U);
}

TEST(Base64Test, RejectsWhitespace) {
  EXPECT_EQ(failing_offset("Zm9v\nYmFy"), 9U);  // 9 characters: the length fails first
  EXPECT_EQ(failing_offset("Zm9 Ym=="), 3U);
  EXPECT_EQ(failing_offset("Zm9vYmF\r"), 7U);
}

TEST(Base64Test, RejectsMisplacedPadding) {
  EXPECT_EQ(failing_offset("Zg==Zg=="), 2U);  // '=' in the middle
  EXPECT_EQ(failing_offset("Zm=v"), 2U);      // padding followed by data
  EXPECT_EQ(failing_offset("Z==="), 1U);      // three '=' cannot end a group
  EXPECT_EQ(failing_offset("===="), 0U);
  EXPECT_EQ(failing_offset("=Zm9"), 0U);
  EXPECT_EQ(failing_offset("Zm9v=m9v"), 4U);
}

}  // namespace
}  // namespace callagent::audio
