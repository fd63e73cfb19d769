// Vendor error bodies → Status codes, retry policy and redaction.
#include <gtest/gtest.h>

#include "elevenlabs_errors.h"

namespace callagent::plugins {
namespace {

TEST(ElevenLabsErrors, UnauthorizedIsNotRetriedAndRedacted) {
  const auto failure = elevenlabs_http_failure(
      401, R"({"detail":{"status":"invalid_api_key","message":"Invalid API key sk_123"}})", "sk_123");
  EXPECT_EQ(failure.status.code(), ErrorCode::unauthenticated);
  EXPECT_FALSE(failure.retryable);
  EXPECT_EQ(failure.status.message(), "ElevenLabs HTTP 401: invalid_api_key: Invalid API key [redacted]");
}

TEST(ElevenLabsErrors, ValidationDetailIsKept) {
  const auto failure = elevenlabs_http_failure(
      422, R"({"detail":[{"loc":["body","text"],"msg":"Field required","type":"missing"}]})", "k");
  EXPECT_EQ(failure.status.code(), ErrorCode::invalid_argument);
  EXPECT_FALSE(failure.retryable);
  EXPECT_EQ(failure.status.message(), "ElevenLabs HTTP 422: body.text: Field required");
}

TEST(ElevenLabsErrors, BusyAndServerErrorsAreRetryable) {
  const auto busy = elevenlabs_http_failure(
      429, R"({"detail":{"status":"too_many_concurrent_requests","message":"slow down"}})", "k");
  EXPECT_EQ(busy.status.code(), ErrorCode::rate_limited);
  EXPECT_TRUE(busy.retryable);
  const auto broken = elevenlabs_http_failure(503, "<html>oops</html>", "k");
  EXPECT_EQ(broken.status.code(), ErrorCode::unavailable);
  EXPECT_TRUE(broken.retryable);
  EXPECT_EQ(broken.status.message(), "ElevenLabs HTTP 503: <html>oops</html>");
}

TEST(ElevenLabsErrors, RedactReplacesEveryOccurrence) {
  EXPECT_EQ(redact("a key b key", "key"), "a [redacted] b [redacted]");
  EXPECT_EQ(redact("nothing", ""), "nothing");
}

}  // namespace
}  // namespace callagent::plugins
