// Vectors from ../shared/protocols.md §2.2 (twilio-python, twilio-node, twilio-go SDK tests).
#include "host/twilio/request_signature.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace callagent::twilio {
namespace {

constexpr std::string_view kAuthToken = "12345";
constexpr std::string_view kUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
constexpr std::string_view kUrlWith443 = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
constexpr std::string_view kJsonBody = R"({"property": "value", "boolean": true})";
constexpr std::string_view kJsonBodySha256 =
    "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
constexpr std::string_view kEmptyJsonBodySha256 =
    "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

constexpr std::string_view kMainSignature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
constexpr std::string_view kMainSignatureWith443 = "kvajT1Ptam85bY51eRf/AJRuM3w=";

const FormParams& common_params() {
  static const FormParams params = {
      {"CallSid", "CA1234567890ABCDE"}, {"Caller", "+14158675309"}, {"Digits", "1234"},
      {"From", "+14158675309"},         {"To", "+18005551212"},
  };
  return params;
}

std::string with_body_hash(std::string_view url, std::string_view body_sha256) {
  return std::string(url) + "&bodySHA256=" + std::string(body_sha256);
}

// --- compute_signature on the exact signed strings -------------------------------------

TEST(RequestSignatureTest, Vector01MainUrlAndParams) {
  EXPECT_EQ(compute_signature(kAuthToken, kUrl, common_params()), kMainSignature);
}

TEST(RequestSignatureTest, Vector02HttpsWithPort443) {
  EXPECT_EQ(compute_signature(kAuthToken, kUrlWith443, common_params()), kMainSignatureWith443);
}

TEST(RequestSignatureTest, Vector03HttpWithPort1234) {
  EXPECT_EQ(compute_signature(kAuthToken, "http://mycompany.com:1234/myapp.php?foo=1&bar=2",
                              common_params()),
            "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=");
}

TEST(RequestSignatureTest, Vector04HttpWithPort80) {
  EXPECT_EQ(compute_signature(kAuthToken, "http://mycompany.com:80/myapp.php?foo=1&bar=2",
                              common_params()),
            "0ZXoZLH/DfblKGATFgpif+LLRf4=");
}

TEST(RequestSignatureTest, Vector06DuplicateValuesAreRemovedAndSorted) {
  const FormParams params = {
      {"Sid", "CA123"}, {"SidAccount", "AC123"}, {"Digits", "5678"}, {"Digits", "1234"},
      {"Digits", "1234"},
  };
  EXPECT_EQ(compute_signature(kAuthToken, kUrl, params), "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
  // The same signed tail spelled out: Digits1234Digits5678SidCA123SidAccountAC123.
  const FormParams already_sorted = {
      {"Digits", "1234"}, {"Digits", "5678"}, {"Sid", "CA123"}, {"SidAccount", "AC123"}};
  EXPECT_EQ(compute_signature(kAuthToken, kUrl, already_sorted), "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
}

TEST(RequestSignatureTest, Vector07JsonBodyUrl) {
  EXPECT_EQ(compute_signature(kAuthToken, with_body_hash(kUrl, kJsonBodySha256), {}),
            "a9nBmqA0ju/hNViExpshrM61xv4=");
}

TEST(RequestSignatureTest, Vector08EmptyJsonBodyUrlWith443) {
  EXPECT_EQ(compute_signature(kAuthToken, with_body_hash(kUrlWith443, kEmptyJsonBodySha256), {}),
            "Ldidvp12m26NI7eqEvxnEpkd9Hc=");
}

TEST(RequestSignatureTest, Vector09OnlyTheBodyHashParameter) {
  EXPECT_EQ(compute_signature(kAuthToken,
                              "https://mycompany.com/myapp.php?bodySHA256=" +
                                  std::string(kJsonBodySha256),
                              {}),
            "y77kIzt2vzLz71DgmJGsen2scGs=");
}

TEST(RequestSignatureTest, Vector10UrlWithCredentials) {
  EXPECT_EQ(compute_signature(kAuthToken, "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2",
                              common_params()),
            "CukzLTc1tT5dXEDIHm/tKBanW10=");
}

TEST(RequestSignatureTest, Vector11UrlWithUserNameOnly) {
  EXPECT_EQ(compute_signature(kAuthToken, "https://user@mycompany.com/myapp.php?foo=1&bar=2",
                              common_params()),
            "2YRLlVAflCqxaNicjMpJcSTgzSs=");
}

TEST(RequestSignatureTest, Vector12UrlWithCredentialsAndPort443) {
  EXPECT_EQ(compute_signature(kAuthToken,
                              "https://user:pass@mycompany.com:443/myapp.php?foo=1&bar=2",
                              common_params()),
            "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=");
}

TEST(RequestSignatureTest, Vector13EscapedQuoteInQuery) {
  EXPECT_EQ(compute_signature(kAuthToken,
                              "https://mycompany.com/myapp.php?foo=1&bar=2&Body=It%27s+amazing",
                              common_params()),
            "TfZzewPq8wqrGlMfyAud8+/IvJ0=");
}

TEST(RequestSignatureTest, Vector14ArrayParameterInEitherOrder) {
  const FormParams params = {{"MessagingBinding.Address", "+1325xxxxxxx"},
                             {"MessagingBinding.Address", "+1415xxxxxxx"}};
  const FormParams reversed = {{"MessagingBinding.Address", "+1415xxxxxxx"},
                               {"MessagingBinding.Address", "+1325xxxxxxx"}};
  EXPECT_EQ(compute_signature(kAuthToken, kUrl, params), "83O6e2vORAoJHUNzJjDWN1jz+BA=");
  EXPECT_EQ(compute_signature(kAuthToken, kUrl, reversed), "83O6e2vORAoJHUNzJjDWN1jz+BA=");
}

// The extra cross-check values at the end of §2.2 (computed, not vendor vectors).
TEST(RequestSignatureTest, CrossCheckValuesForOtherUrlVariants) {
  EXPECT_EQ(compute_signature(kAuthToken,
                              "https://mycompany.com/myapp.php?foo=1&bar=2&Body=It's+amazing",
                              common_params()),
            "dsq4Ehbj6cs+KdTkpF5sSSplOWw=");
  EXPECT_EQ(compute_signature(kAuthToken, with_body_hash(kUrl, kEmptyJsonBodySha256), {}),
            "rw/jVviOgicj2+kHZULvebnA4ag=");
  EXPECT_EQ(compute_signature(kAuthToken,
                              "https://mycompany.com:443/myapp.php?bodySHA256=" +
                                  std::string(kJsonBodySha256),
                              {}),
            "DvyhxKdj6iwN6iLOt+UHx5yLUaw=");
  EXPECT_EQ(compute_signature(kAuthToken, with_body_hash(kUrlWith443, kJsonBodySha256), {}),
            "uzN7O1319XdYoYMfTT2eUM1PJT0=");
}

TEST(RequestSignatureTest, ParameterOrderDoesNotMatter) {
  FormParams reversed(common_params().rbegin(), common_params().rend());
  EXPECT_EQ(compute_signature(kAuthToken, kUrl, reversed), kMainSignature);
}

TEST(RequestSignatureTest, NamesSortByteWiseSoCallSidPrecedesCaller) {
  // 'S' (0x53) < 'e' (0x65): a case-insensitive sort would put Caller first.
  const FormParams params = {{"Caller", "x"}, {"CallSid", "y"}};
  EXPECT_EQ(compute_signature(kAuthToken, kUrl, params),
            compute_signature(kAuthToken, std::string(kUrl) + "CallSidyCallerx", {}));
}

TEST(RequestSignatureTest, Sha256HexIsLowerCase) {
  EXPECT_EQ(sha256_hex(kJsonBody), kJsonBodySha256);
  EXPECT_EQ(sha256_hex("{}"), kEmptyJsonBodySha256);
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// --- verify_signature: the request URL variants each vector's note describes -------------

TEST(RequestSignatureTest, VerifyAcceptsVector01) {
  EXPECT_EQ(verify_signature(kAuthToken, kUrl, common_params(), kMainSignature),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyAcceptsSignatureWith443ForUrlWithoutPort) {  // vector 2
  EXPECT_EQ(verify_signature(kAuthToken, kUrl, common_params(), kMainSignatureWith443),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyAcceptsSignatureWithoutPortForUrlWith443) {
  EXPECT_EQ(verify_signature(kAuthToken, kUrlWith443, common_params(), kMainSignature),
            SignatureVerdict::valid);
  EXPECT_EQ(verify_signature(kAuthToken, kUrlWith443, common_params(), kMainSignatureWith443),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyKeepsANonDefaultPortForTheWithPortVariant) {  // vector 3
  const std::string_view request_url = "http://mycompany.com:1234/myapp.php?foo=1&bar=2";
  EXPECT_EQ(verify_signature(kAuthToken, request_url, common_params(),
                             "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
            SignatureVerdict::valid);
  // The :80 variant is not one of this URL's candidates.
  EXPECT_EQ(verify_signature(kAuthToken, request_url, common_params(),
                             "0ZXoZLH/DfblKGATFgpif+LLRf4="),
            SignatureVerdict::invalid);
}

TEST(RequestSignatureTest, VerifyAddsPort80ForHttp) {  // vector 4
  EXPECT_EQ(verify_signature(kAuthToken, "http://mycompany.com/myapp.php?foo=1&bar=2",
                             common_params(), "0ZXoZLH/DfblKGATFgpif+LLRf4="),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyStripsANonDefaultPortFromHttpsUrls) {  // vector 5
  EXPECT_EQ(verify_signature(kAuthToken, "https://mycompany.com:1234/myapp.php?foo=1&bar=2",
                             common_params(), kMainSignature),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyAcceptsDuplicatedValues) {  // vector 6
  const FormParams params = {
      {"Sid", "CA123"}, {"SidAccount", "AC123"}, {"Digits", "5678"}, {"Digits", "1234"},
      {"Digits", "1234"},
  };
  EXPECT_EQ(verify_signature(kAuthToken, kUrl, params, "IK+Dwps556ElfBT0I3Rgjkr1wJU="),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyJsonBody) {  // vector 7
  EXPECT_EQ(verify_json_body_signature(kAuthToken, with_body_hash(kUrl, kJsonBodySha256), kJsonBody,
                                       "a9nBmqA0ju/hNViExpshrM61xv4="),
            SignatureVerdict::valid);
  // The same request signed over the :443 variant.
  EXPECT_EQ(verify_json_body_signature(kAuthToken, with_body_hash(kUrl, kJsonBodySha256), kJsonBody,
                                       "uzN7O1319XdYoYMfTT2eUM1PJT0="),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyEmptyJsonBodySignedOnlyWithPort443) {  // vector 8
  EXPECT_EQ(verify_json_body_signature(kAuthToken, with_body_hash(kUrl, kEmptyJsonBodySha256), "{}",
                                       "Ldidvp12m26NI7eqEvxnEpkd9Hc="),
            SignatureVerdict::valid);
  EXPECT_EQ(verify_json_body_signature(kAuthToken, with_body_hash(kUrlWith443, kEmptyJsonBodySha256),
                                       "{}", "Ldidvp12m26NI7eqEvxnEpkd9Hc="),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyJsonBodyWithOnlyTheHashParameter) {  // vector 9
  const std::string request_url =
      "https://mycompany.com/myapp.php?bodySHA256=" + std::string(kJsonBodySha256);
  EXPECT_EQ(verify_json_body_signature(kAuthToken, request_url, kJsonBody,
                                       "y77kIzt2vzLz71DgmJGsen2scGs="),
            SignatureVerdict::valid);
  EXPECT_EQ(verify_json_body_signature(kAuthToken, request_url, kJsonBody,
                                       "DvyhxKdj6iwN6iLOt+UHx5yLUaw="),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyUrlsWithCredentials) {  // vectors 10–12
  const std::string_view with_credentials = "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2";
  const std::string_view with_credentials_and_port =
      "https://user:pass@mycompany.com:443/myapp.php?foo=1&bar=2";
  EXPECT_EQ(verify_signature(kAuthToken, with_credentials, common_params(),
                             "CukzLTc1tT5dXEDIHm/tKBanW10="),
            SignatureVerdict::valid);
  EXPECT_EQ(verify_signature(kAuthToken, "https://user@mycompany.com/myapp.php?foo=1&bar=2",
                             common_params(), "2YRLlVAflCqxaNicjMpJcSTgzSs="),
            SignatureVerdict::valid);
  // The port goes after the host, not inside the credentials.
  EXPECT_EQ(verify_signature(kAuthToken, with_credentials, common_params(),
                             "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI="),
            SignatureVerdict::valid);
  EXPECT_EQ(verify_signature(kAuthToken, with_credentials_and_port, common_params(),
                             "CukzLTc1tT5dXEDIHm/tKBanW10="),
            SignatureVerdict::valid);
  // Credentials are part of the signed URL.
  EXPECT_EQ(verify_signature(kAuthToken, kUrl, common_params(), "CukzLTc1tT5dXEDIHm/tKBanW10="),
            SignatureVerdict::invalid);
}

TEST(RequestSignatureTest, VerifyEscapedQuoteUrl) {  // vector 13
  EXPECT_EQ(verify_signature(kAuthToken,
                             "https://mycompany.com/myapp.php?foo=1&bar=2&Body=It%27s+amazing",
                             common_params(), "TfZzewPq8wqrGlMfyAud8+/IvJ0="),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyArrayParameter) {  // vector 14
  const FormParams params = {{"MessagingBinding.Address", "+1415xxxxxxx"},
                             {"MessagingBinding.Address", "+1325xxxxxxx"}};
  EXPECT_EQ(verify_signature(kAuthToken, kUrl, params, "83O6e2vORAoJHUNzJjDWN1jz+BA="),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyWebSocketUpgradeUrl) {
  const std::string_view stream_url = "wss://agent.example.com/media?call=CA123";
  const std::string signature_with_port =
      compute_signature(kAuthToken, "wss://agent.example.com:443/media?call=CA123", {});
  EXPECT_EQ(verify_signature(kAuthToken, stream_url, {}, signature_with_port),
            SignatureVerdict::valid);
  EXPECT_EQ(verify_signature(kAuthToken, stream_url, {}, compute_signature(kAuthToken, stream_url, {})),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyIpv6HostPortVariants) {
  const std::string signature_without_port =
      compute_signature(kAuthToken, "http://[::1]/voice", {});
  EXPECT_EQ(verify_signature(kAuthToken, "http://[::1]:8080/voice", {}, signature_without_port),
            SignatureVerdict::valid);
  EXPECT_EQ(verify_signature(kAuthToken, "http://[::1]/voice", {},
                             compute_signature(kAuthToken, "http://[::1]:80/voice", {})),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyUrlWithoutPath) {
  EXPECT_EQ(verify_signature(kAuthToken, "https://mycompany.com?x=1", {},
                             compute_signature(kAuthToken, "https://mycompany.com:443?x=1", {})),
            SignatureVerdict::valid);
  EXPECT_EQ(verify_signature(kAuthToken, "https://mycompany.com", {},
                             compute_signature(kAuthToken, "https://mycompany.com:443", {})),
            SignatureVerdict::valid);
}

TEST(RequestSignatureTest, VerifyOfARealIncomingCallBody) {
  const auto parsed = parse_form_urlencoded(
      "AccountSid=AC...&ToZip=&FromState=&Called=%2B4413155501xx&CallSid=CA...&From=%2B447700900xxx"
      "&CallStatus=ringing&ApiVersion=2010-04-01&CalledCity=");
  ASSERT_TRUE(parsed.is_ok());
  const std::string_view webhook_url = "https://agent.example.com/twilio/voice";
  const std::string signature = compute_signature(kAuthToken, webhook_url, parsed.value());
  EXPECT_EQ(verify_signature(kAuthToken, webhook_url, parsed.value(), signature),
            SignatureVerdict::valid);
  // Empty values are signed: dropping one changes the signature.
  FormParams without_empty_zip = parsed.value();
  std::erase_if(without_empty_zip, [](const auto& param) { return param.first == "ToZip"; });
  EXPECT_EQ(verify_signature(kAuthToken, webhook_url, without_empty_zip, signature),
            SignatureVerdict::invalid);
}

// --- negative cases ---------------------------------------------------------------------

TEST(RequestSignatureTest, WrongSignatureIsInvalid) {
  EXPECT_EQ(verify_signature(kAuthToken, kUrl, common_params(), "WRONG_SIGNATURE"),
            SignatureVerdict::invalid);
  EXPECT_EQ(verify_json_body_signature(kAuthToken, with_body_hash(kUrl, kJsonBodySha256), kJsonBody,
                                       "WRONG_SIGNATURE"),
            SignatureVerdict::invalid);
}

TEST(RequestSignatureTest, SignatureOfTheSameLengthButOneCharacterOffIsInvalid) {
  std::string almost = std::string(kMainSignature);
  almost[0] = almost[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verify_signature(kAuthToken, kUrl, common_params(), almost), SignatureVerdict::invalid);
}

TEST(RequestSignatureTest, MissingOrEmptyHeaderIsMissing) {
  EXPECT_EQ(verify_signature(kAuthToken, kUrl, common_params(), ""), SignatureVerdict::missing);
  EXPECT_EQ(verify_signature(kAuthToken, kUrl, common_params(), std::string_view{}),
            SignatureVerdict::missing);
  EXPECT_EQ(verify_json_body_signature(kAuthToken, with_body_hash(kUrl, kJsonBodySha256), kJsonBody,
                                       ""),
            SignatureVerdict::missing);
}

TEST(RequestSignatureTest, WrongAuthTokenOrParamsAreInvalid) {
  EXPECT_EQ(verify_signature("54321", kUrl, common_params(), kMainSignature),
            SignatureVerdict::invalid);
  FormParams altered = common_params();
  altered.back().second = "+18005551213";
  EXPECT_EQ(verify_signature(kAuthToken, kUrl, altered, kMainSignature), SignatureVerdict::invalid);
}

TEST(RequestSignatureTest, EmptyAuthTokenNeverValidates) {
  const std::string signed_with_empty_token = compute_signature("", kUrl, {});
  EXPECT_FALSE(signed_with_empty_token.empty());
  EXPECT_EQ(verify_signature("", kUrl, {}, signed_with_empty_token), SignatureVerdict::invalid);
}

TEST(RequestSignatureTest, JsonBodyWithoutBodyHashParameterIsInvalid) {
  EXPECT_EQ(verify_json_body_signature(kAuthToken, kUrl, kJsonBody,
                                       compute_signature(kAuthToken, kUrl, {})),
            SignatureVerdict::invalid);
  EXPECT_EQ(verify_json_body_signature(kAuthToken, "https://mycompany.com/myapp.php", kJsonBody,
                                       compute_signature(kAuthToken, "https://mycompany.com/myapp.php", {})),
            SignatureVerdict::invalid);
}

TEST(RequestSignatureTest, JsonBodyThatDoesNotMatchItsHashIsInvalid) {
  const std::string request_url = with_body_hash(kUrl, kJsonBodySha256);
  EXPECT_EQ(verify_json_body_signature(kAuthToken, request_url, R"({"property": "other"})",
                                       "a9nBmqA0ju/hNViExpshrM61xv4="),
            SignatureVerdict::invalid);
  EXPECT_EQ(verify_json_body_signature(kAuthToken, request_url, "", "a9nBmqA0ju/hNViExpshrM61xv4="),
            SignatureVerdict::invalid);
}

TEST(RequestSignatureTest, EmptyBodyHashParameterIsInvalid) {
  const std::string request_url = std::string(kUrl) + "&bodySHA256=";
  EXPECT_EQ(verify_json_body_signature(kAuthToken, request_url, "",
                                       compute_signature(kAuthToken, request_url, {})),
            SignatureVerdict::invalid);
}

// --- twilio-node round trips, token s3cr3t ---------------------------------------------

constexpr std::string_view kRoundTripToken = "s3cr3t";

TEST(RequestSignatureTest, RoundTripSignatureDoesNotValidateAnotherQuery) {
  const std::string signature =
      compute_signature(kRoundTripToken, "https://example.com/path?test=param", {});
  EXPECT_EQ(verify_signature(kRoundTripToken, "https://example.com/path?test=param", {}, signature),
            SignatureVerdict::valid);
  EXPECT_EQ(verify_signature(kRoundTripToken, "https://example.com/path?test=param2", {}, signature),
            SignatureVerdict::invalid);
}

TEST(RequestSignatureTest, RoundTripPort443AndNoPortValidateEachOther) {
  const std::string_view with_port = "https://example.com:443/path?test=param";
  const std::string_view without_port = "https://example.com/path?test=param";
  EXPECT_EQ(verify_signature(kRoundTripToken, without_port, {},
                             compute_signature(kRoundTripToken, with_port, {})),
            SignatureVerdict::valid);
  EXPECT_EQ(verify_signature(kRoundTripToken, with_port, {},
                             compute_signature(kRoundTripToken, without_port, {})),
            SignatureVerdict::valid);
}

}  // namespace
}  // namespace callagent::twilio
