#include "host/http/router.h"

#include <gtest/gtest.h>

namespace callagent::host {
namespace {

Router make_router() {
  Router router;
  router.add("GET", "/healthz", [](auto&, auto&, const PathParams&) {});
  router.add("GET", "/call/{conversation_id}", [](auto&, auto&, const PathParams&) {});
  router.add("POST", "/inbound_call", [](auto&, auto&, const PathParams&) {});
  return router;
}

TEST(RouterTest, MatchesLiteralPathsAndIgnoresTheQuery) {
  const Router router = make_router();
  const auto match = router.match("GET", "/healthz?verbose=1");
  ASSERT_NE(match.handler, nullptr);
  EXPECT_EQ(match.route, "/healthz");
}

TEST(RouterTest, CapturesNamedSegments) {
  const Router router = make_router();
  const auto match = router.match("GET", "/call/abc-123");
  ASSERT_NE(match.handler, nullptr);
  EXPECT_EQ(match.params.get("conversation_id"), "abc-123");
  EXPECT_EQ(match.params.get("missing"), "");
}

TEST(RouterTest, CaptureNeedsExactlyOneSegment) {
  const Router router = make_router();
  EXPECT_EQ(router.match("GET", "/call").handler, nullptr);
  EXPECT_EQ(router.match("GET", "/call/a/b").handler, nullptr);
}

TEST(RouterTest, WrongMethodReportsTheAllowedOnes) {
  const Router router = make_router();
  const auto match = router.match("GET", "/inbound_call");
  EXPECT_EQ(match.handler, nullptr);
  ASSERT_EQ(match.allowed_methods.size(), 1U);
  EXPECT_EQ(match.allowed_methods[0], "POST");
}

TEST(RouterTest, UnknownPathHasNoAllowedMethods) {
  const Router router = make_router();
  const auto match = router.match("GET", "/nope");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_TRUE(match.allowed_methods.empty());
}

}  // namespace
}  // namespace callagent::host
