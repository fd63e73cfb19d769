#include "host/twilio/form_params.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace callagent::twilio {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

FormParams parse_or_fail(std::string_view body) {
  auto parsed = parse_form_urlencoded(body);
  EXPECT_TRUE(parsed.is_ok()) << parsed.status().message();
  return parsed.is_ok() ? std::move(parsed).value() : FormParams{};
}

TEST(FormParamsTest, ParsesNamesAndValuesInOrder) {
  EXPECT_THAT(parse_or_fail("b=2&a=1&c=3"),
              ElementsAre(Pair("b", "2"), Pair("a", "1"), Pair("c", "3")));
}

TEST(FormParamsTest, EmptyBodyHasNoParams) { EXPECT_TRUE(parse_or_fail("").empty()); }

TEST(FormParamsTest, PlusIsASpaceAndEscapesDecodeInEitherCase) {
  EXPECT_THAT(parse_or_fail("Body=It%27s+amazing&Path=%2fa%2Fb&From=%2B14158675309"),
              ElementsAre(Pair("Body", "It's amazing"), Pair("Path", "/a/b"),
                          Pair("From", "+14158675309")));
}

TEST(FormParamsTest, NamesAreDecodedToo) {
  EXPECT_THAT(parse_or_fail("Messaging%42inding.Address=x&a+b=1"),
              ElementsAre(Pair("MessagingBinding.Address", "x"), Pair("a b", "1")));
}

TEST(FormParamsTest, NameWithoutEqualsGetsAnEmptyValue) {
  EXPECT_THAT(parse_or_fail("flag&ToZip=&x=1"),
              ElementsAre(Pair("flag", ""), Pair("ToZip", ""), Pair("x", "1")));
}

TEST(FormParamsTest, OnlyTheFirstEqualsSplitsNameFromValue) {
  EXPECT_THAT(parse_or_fail("expression=a=b"), ElementsAre(Pair("expression", "a=b")));
}

TEST(FormParamsTest, EmptySegmentsAreSkipped) {
  EXPECT_THAT(parse_or_fail("&a=1&&b=2&"), ElementsAre(Pair("a", "1"), Pair("b", "2")));
}

TEST(FormParamsTest, DuplicateNamesAreKeptInOrder) {
  EXPECT_THAT(parse_or_fail("Digits=5678&Sid=CA123&Digits=1234&Digits=1234"),
              ElementsAre(Pair("Digits", "5678"), Pair("Sid", "CA123"), Pair("Digits", "1234"),
                          Pair("Digits", "1234")));
}

TEST(FormParamsTest, DecodedBytesMayBeAnything) {
  EXPECT_THAT(parse_or_fail("city=Z%C3%BCrich&nul=a%00b"),
              ElementsAre(Pair("city", "Z\xC3\xBCrich"), Pair("nul", std::string("a\0b", 3))));
}

TEST(FormParamsTest, MalformedEscapesAreInvalidArgumentsNamingTheParameter) {
  for (const std::string_view body :
       {"Digits=%G1", "Digits=12%", "Digits=12%4", "Digits=%%41", "a=1&Digits=%zz"}) {
    const auto parsed = parse_form_urlencoded(body);
    ASSERT_FALSE(parsed.is_ok()) << body;
    EXPECT_EQ(parsed.status().code(), ErrorCode::invalid_argument) << body;
    EXPECT_THAT(parsed.status().message(), HasSubstr("\"Digits\"")) << body;
  }
}

TEST(FormParamsTest, MalformedEscapeInTheNameIsAnError) {
  const auto parsed = parse_form_urlencoded("Dig%Xts=1");
  ASSERT_FALSE(parsed.is_ok());
  EXPECT_EQ(parsed.status().code(), ErrorCode::invalid_argument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("Dig%Xts"));
}

TEST(FormParamsTest, ErrorMessageQuotesOnlyAShortPrintableName) {
  const std::string hostile_name = "\x1b[31m" + std::string(500, 'n');
  const auto parsed = parse_form_urlencoded(hostile_name + "=%");
  ASSERT_FALSE(parsed.is_ok());
  EXPECT_LT(parsed.status().message().size(), 200U);
  EXPECT_EQ(parsed.status().message().find('\x1b'), std::string::npos);
}

TEST(FormParamsTest, EncodeKeepsUnreservedAndEscapesTheRestInUpperCase) {
  EXPECT_EQ(encode_form_urlencoded({{"Az09-_.~", "a b&c=d+e/f'"}, {"To", "+1 (415) é"}}),
            "Az09-_.~=a%20b%26c%3Dd%2Be%2Ff%27&To=%2B1%20%28415%29%20%C3%A9");
}

TEST(FormParamsTest, EncodeOfNothingIsEmpty) { EXPECT_EQ(encode_form_urlencoded({}), ""); }

TEST(FormParamsTest, EncodeThenParseRoundTrips) {
  const FormParams original = {
      {"CallSid", "CA1234567890ABCDE"}, {"From", "+14158675309"}, {"Body", "It's 100% fine & ok"},
      {"Digits", "1234"},               {"Digits", "1234"},       {"Empty", ""},
      {"a=b&c", "x+y%z"},               {"Unicode", "Z\xC3\xBCrich"},
  };
  EXPECT_EQ(parse_or_fail(encode_form_urlencoded(original)), original);
}

TEST(FormParamsTest, FindParamReturnsTheFirstValue) {
  const FormParams params = {{"Digits", "5678"}, {"Empty", ""}, {"Digits", "1234"}};
  EXPECT_EQ(find_param(params, "Digits"), std::optional<std::string_view>("5678"));
  EXPECT_EQ(find_param(params, "Empty"), std::optional<std::string_view>(""));
  EXPECT_EQ(find_param(params, "digits"), std::nullopt);  // names are case-sensitive
  EXPECT_EQ(find_param({}, "Digits"), std::nullopt);
}

// protocols.md §1.3: a real incoming-call webhook body (numbers redacted by the source).
TEST(FormParamsTest, ParsesARealIncomingCallBody) {
  const std::string_view body =
      "AccountSid=AC...&ToZip=&FromState=&Called=%2B4413155501xx&FromCountry=GB&CallerCountry=GB"
      "&CalledZip=&Direction=inbound&FromCity=&CalledCountry=GB&CallerState=&CallSid=CA..."
      "&CalledState=Edinburgh&From=%2B447700900xxx&CallerZip=&FromZip=&CallStatus=ringing"
      "&ToCity=&ToState=Edinburgh&To=%2B4413155501xx&ToCountry=GB&CallerCity="
      "&ApiVersion=2010-04-01&Caller=%2B447700900xxx&CalledCity=";
  const FormParams params = parse_or_fail(body);

  EXPECT_EQ(params.size(), 25U);
  EXPECT_EQ(params.front(), std::make_pair(std::string("AccountSid"), std::string("AC...")));
  EXPECT_EQ(params.back(), std::make_pair(std::string("CalledCity"), std::string()));
  EXPECT_EQ(find_param(params, "From"), std::optional<std::string_view>("+447700900xxx"));
  EXPECT_EQ(find_param(params, "To"), std::optional<std::string_view>("+4413155501xx"));
  EXPECT_EQ(find_param(params, "CallStatus"), std::optional<std::string_view>("ringing"));
  EXPECT_EQ(find_param(params, "Direction"), std::optional<std::string_view>("inbound"));
  EXPECT_EQ(find_param(params, "ApiVersion"), std::optional<std::string_view>("2010-04-01"));
  // Empty values are sent and kept: they take part in the signature.
  EXPECT_EQ(find_param(params, "ToZip"), std::optional<std::string_view>(""));
  EXPECT_EQ(find_param(params, "CalledCity"), std::optional<std::string_view>(""));
}

}  // namespace
}  // namespace callagent::twilio
