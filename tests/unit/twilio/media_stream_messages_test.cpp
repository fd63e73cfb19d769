#include "host/twilio/media_stream_messages.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/twilio/recorded_media_stream_messages.h"
#include <nlohmann/json.hpp>

namespace callagent::twilio {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

using namespace recorded;  // the examples of protocols.md §1.2

constexpr std::string_view kAccountSid = "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
constexpr std::string_view kCallSid = "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
constexpr std::string_view kStreamSid = "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";

// Parses `text`, failing the test (with the detail) when it is refused.
template <typename Message>
Message parse_as(std::string_view text) {
  const ParseOutcome outcome = parse_inbound_message(text);
  EXPECT_TRUE(outcome.ok()) << to_string(outcome.problem) << ": " << outcome.detail;
  if (!outcome.ok()) return Message{};
  EXPECT_TRUE(std::holds_alternative<Message>(outcome.value())) << "wrong message kind";
  if (!std::holds_alternative<Message>(outcome.value())) return Message{};
  return std::get<Message>(outcome.value());
}

ParseOutcome refused(std::string_view text) {
  ParseOutcome outcome = parse_inbound_message(text);
  EXPECT_FALSE(outcome.ok()) << text;
  return outcome;
}

// Minified form of a JSON text, for comparing a serialiser with a pretty-printed example.
std::string minified(std::string_view text) { return nlohmann::ordered_json::parse(text).dump(); }

// ---------------------------------------------------------------------------------------
// The documented examples

TEST(MediaStreamMessagesTest, ParsesTheConnectedExample) {
  const auto connected = parse_as<ConnectedMessage>(kConnectedExample);
  EXPECT_EQ(connected.protocol, "Call");
  EXPECT_EQ(connected.version, "1.0.0");
}

TEST(MediaStreamMessagesTest, ParsesTheStartExampleWithCustomParametersInOrder) {
  const auto start = parse_as<StartMessage>(kStartExample);
  EXPECT_EQ(start.sequence_number, 1U);
  EXPECT_EQ(start.account_sid, kAccountSid);
  EXPECT_EQ(start.stream_sid, kStreamSid);
  EXPECT_EQ(start.call_sid, kCallSid);
  EXPECT_THAT(start.tracks, ElementsAre("inbound"));
  EXPECT_THAT(start.custom_parameters,
              ElementsAre(Pair("FirstName", "Jane"), Pair("LastName", "Doe"), Pair("RemoteParty", "Bob")));
  EXPECT_EQ(start.encoding, "audio/x-mulaw");
  EXPECT_EQ(start.sample_rate_hz, 8000U);
  EXPECT_EQ(start.channels, 1U);
}

TEST(MediaStreamMessagesTest, ParsesTheOlderStartVariant) {
  const auto start = parse_as<StartMessage>(kOlderStartExample);
  EXPECT_EQ(start.sequence_number, 2U);
  EXPECT_EQ(start.stream_sid, "MZ18ad3ab5a668481ce02b83e7395059f0");
  EXPECT_THAT(start.tracks, ElementsAre("inbound", "outbound"));
  EXPECT_TRUE(start.custom_parameters.empty());
}

TEST(MediaStreamMessagesTest, ParsesTheMediaExample) {
  const auto media = parse_as<MediaMessage>(kMediaExample);
  EXPECT_EQ(media.sequence_number, 3U);
  EXPECT_EQ(media.track, "inbound");
  EXPECT_EQ(media.chunk, 1U);
  EXPECT_EQ(media.timestamp_ms, 5);
  EXPECT_EQ(media.payload, (std::vector<std::uint8_t>{0x9E, 0x8F, 0x89, 0x86, 0x86, 0x89, 0x8E, 0x9C,
                                                      0xD2, 0x1F, 0x10, 0x0A}));
}

TEST(MediaStreamMessagesTest, ParsesTheObservedMediaCapture) {
  const auto media = parse_as<MediaMessage>(kObservedMediaCapture);
  EXPECT_EQ(media.sequence_number, 424U);
  EXPECT_EQ(media.chunk, 423U);
  EXPECT_EQ(media.timestamp_ms, 8585);
  EXPECT_EQ(media.payload, (std::vector<std::uint8_t>{0xFF, 0xFF, 0xFF}));
}

TEST(MediaStreamMessagesTest, ParsesTheDtmfExampleWithItsInboundTrackName) {
  const auto dtmf = parse_as<DtmfMessage>(kDtmfExample);
  EXPECT_EQ(dtmf.sequence_number, 5U);
  EXPECT_EQ(dtmf.track, "inbound_track");
  EXPECT_EQ(dtmf.digit, "1");
}

TEST(MediaStreamMessagesTest, ParsesTheMarkExample) {
  const auto mark = parse_as<MarkMessage>(kMarkExample);
  EXPECT_EQ(mark.sequence_number, 4U);
  EXPECT_EQ(mark.name, "my label");
}

TEST(MediaStreamMessagesTest, ParsesTheStopExample) {
  const auto stop = parse_as<StopMessage>(kStopExample);
  EXPECT_EQ(stop.sequence_number, 5U);
  EXPECT_EQ(stop.account_sid, kAccountSid);
  EXPECT_EQ(stop.call_sid, kCallSid);
}

// ---------------------------------------------------------------------------------------
// Tolerance: what Twilio may vary without the frame being refused

TEST(MediaStreamMessagesTest, OptionalFieldsTakeTheirDefaults) {
  const auto media = parse_as<MediaMessage>(
      R"({"event":"media","media":{"chunk":"2","timestamp":"25","payload":"/w=="}})");
  EXPECT_EQ(media.sequence_number, 0U);
  EXPECT_EQ(media.track, "inbound");

  const auto dtmf = parse_as<DtmfMessage>(R"({"event":"dtmf","dtmf":{"digit":"#"}})");
  EXPECT_EQ(dtmf.track, "inbound_track");
  EXPECT_EQ(dtmf.digit, "#");

  const auto stop = parse_as<StopMessage>(R"({"event":"stop","streamSid":"MZ1"})");
  EXPECT_TRUE(stop.call_sid.empty());

  const auto connected = parse_as<ConnectedMessage>(R"({"event":"connected"})");
  EXPECT_TRUE(connected.protocol.empty());

  const auto start = parse_as<StartMessage>(
      R"({"event":"start","start":{"streamSid":"MZ1","callSid":"CA1","accountSid":"AC1",)"
      R"("mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}})");
  EXPECT_EQ(start.sequence_number, 0U);
  EXPECT_TRUE(start.tracks.empty());
  EXPECT_TRUE(start.custom_parameters.empty());
}

TEST(MediaStreamMessagesTest, AcceptsCountersSentAsJsonNumbers) {
  const auto media = parse_as<MediaMessage>(
      R"({"event":"media","sequenceNumber":7,"media":{"chunk":6,"timestamp":120,"payload":""}})");
  EXPECT_EQ(media.sequence_number, 7U);
  EXPECT_EQ(media.chunk, 6U);
  EXPECT_EQ(media.timestamp_ms, 120);
  EXPECT_TRUE(media.payload.empty());
}

TEST(MediaStreamMessagesTest, IgnoresUnknownExtraFields) {
  const auto mark = parse_as<MarkMessage>(
      R"({"event":"mark","futureField":[1,2],"mark":{"name":"m1","extra":{}},"streamSid":"MZ1"})");
  EXPECT_EQ(mark.name, "m1");
}

TEST(MediaStreamMessagesTest, StringifiesNonStringCustomParameters) {
  const auto start = parse_as<StartMessage>(
      R"({"event":"start","start":{"streamSid":"MZ1","callSid":"CA1","accountSid":"AC1",)"
      R"("customParameters":{"Count":3,"Flag":true,"Name":"x"},)"
      R"("mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}})");
  EXPECT_THAT(start.custom_parameters,
              ElementsAre(Pair("Count", "3"), Pair("Flag", "true"), Pair("Name", "x")));
}

// ---------------------------------------------------------------------------------------
// Refused frames: one realistic example per problem

TEST(MediaStreamMessagesTest, TextThatIsNotJsonIsNotJson) {
  const auto outcome = refused(R"({"event":"media","media":{"payload":"/w==")");
  EXPECT_EQ(outcome.problem, FrameProblem::not_json);
  EXPECT_EQ(refused("").problem, FrameProblem::not_json);
}

TEST(MediaStreamMessagesTest, AJsonArrayIsNotJsonForThisProtocol) {
  const auto outcome = refused(R"([{"event":"connected"}])");
  EXPECT_EQ(outcome.problem, FrameProblem::not_json);
  EXPECT_THAT(outcome.detail, HasSubstr("array"));
  EXPECT_EQ(refused(R"("connected")").problem, FrameProblem::not_json);
}

TEST(MediaStreamMessagesTest, DeepNestingIsRefusedBeforeItCanExhaustTheStack) {
  // nlohmann recurses over nested values; 100 000 levels would overflow the stack.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const auto outcome = refused(R"({"event":"start","start":{"customParameters":{"X":)" + deep + "}}}");
  EXPECT_EQ(outcome.problem, FrameProblem::not_json);
  EXPECT_THAT(outcome.detail, HasSubstr("nested"));
  EXPECT_EQ(refused(std::string(100000, '[')).problem, FrameProblem::not_json);

  // Brackets inside strings are text, not nesting.
  const auto mark = parse_as<MarkMessage>(
      R"({"event":"mark","mark":{"name":")" + std::string(100, '[') + R"(\"{{{"}})");
  EXPECT_EQ(mark.name, std::string(100, '[') + "\"{{{");
}

TEST(MediaStreamMessagesTest, AnUnknownEventIsNamedInTheDetail) {
  const auto outcome = refused(R"({"event":"foo","streamSid":"MZ1"})");
  EXPECT_EQ(outcome.problem, FrameProblem::unknown_event);
  EXPECT_THAT(outcome.detail, HasSubstr("\"foo\""));

  // "clear" is something the host sends; Twilio never does.
  EXPECT_EQ(refused(R"({"event":"clear","streamSid":"MZ1"})").problem, FrameProblem::unknown_event);
  EXPECT_EQ(refused(R"({"streamSid":"MZ1"})").problem, FrameProblem::unknown_event);
  EXPECT_EQ(refused(R"({"event":42})").problem, FrameProblem::unknown_event);
}

TEST(MediaStreamMessagesTest, AnUnknownEventNameIsTruncatedInTheDetail) {
  const std::string long_name(500, 'x');
  const auto outcome = refused(R"({"event":")" + long_name + R"("})");
  EXPECT_EQ(outcome.problem, FrameProblem::unknown_event);
  EXPECT_THAT(outcome.detail, HasSubstr(std::string(40, 'x')));
  EXPECT_THAT(outcome.detail, ::testing::Not(HasSubstr(std::string(41, 'x'))));
}

TEST(MediaStreamMessagesTest, MediaWithoutPayloadIsAMissingField) {
  const auto outcome = refused(
      R"({"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5"},"streamSid":"MZ1"})");
  EXPECT_EQ(outcome.problem, FrameProblem::missing_field);
  EXPECT_EQ(outcome.detail, "media.payload: missing");
}

TEST(MediaStreamMessagesTest, MissingOrMistypedRequiredFieldsNameTheirPath) {
  const auto no_call_sid = refused(
      R"({"event":"start","start":{"streamSid":"MZ1","accountSid":"AC1",)"
      R"("mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}})");
  EXPECT_EQ(no_call_sid.problem, FrameProblem::missing_field);
  EXPECT_EQ(no_call_sid.detail, "start.callSid: missing");

  const auto numeric_call_sid = refused(
      R"({"event":"start","start":{"streamSid":"MZ1","callSid":12,"accountSid":"AC1",)"
      R"("mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}})");
  EXPECT_EQ(numeric_call_sid.problem, FrameProblem::missing_field);
  EXPECT_THAT(numeric_call_sid.detail, HasSubstr("start.callSid"));

  const auto no_sample_rate = refused(
      R"({"event":"start","start":{"streamSid":"MZ1","callSid":"CA1","accountSid":"AC1",)"
      R"("mediaFormat":{"encoding":"audio/x-mulaw","channels":1}}})");
  EXPECT_EQ(no_sample_rate.detail, "start.mediaFormat.sampleRate: missing");

  const auto no_format = refused(
      R"({"event":"start","start":{"streamSid":"MZ1","callSid":"CA1","accountSid":"AC1"}})");
  EXPECT_EQ(no_format.detail, "start.mediaFormat: missing");

  const auto bad_tracks = refused(
      R"({"event":"start","start":{"streamSid":"MZ1","callSid":"CA1","accountSid":"AC1","tracks":[1],)"
      R"("mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}}})");
  EXPECT_EQ(bad_tracks.problem, FrameProblem::missing_field);
  EXPECT_THAT(bad_tracks.detail, HasSubstr("start.tracks"));

  EXPECT_EQ(refused(R"({"event":"mark","mark":{}})").detail, "mark.name: missing");
  EXPECT_EQ(refused(R"({"event":"mark","mark":"m1"})").problem, FrameProblem::missing_field);
  EXPECT_EQ(refused(R"({"event":"dtmf","dtmf":{"track":"inbound_track"}})").detail, "dtmf.digit: missing");
  EXPECT_EQ(refused(R"({"event":"media","media":{"chunk":"1","timestamp":"5","payload":7}})").problem,
            FrameProblem::missing_field);
  EXPECT_EQ(refused(R"({"event":"media","media":{"timestamp":"5","payload":""}})").detail,
            "media.chunk: missing");
}

TEST(MediaStreamMessagesTest, AnInvalidPayloadIsBadBase64WithItsOffset) {
  const auto outcome = refused(
      R"({"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"@@@@"},"streamSid":"MZ1"})");
  EXPECT_EQ(outcome.problem, FrameProblem::bad_base64);
  EXPECT_EQ(outcome.detail, "media.payload: invalid base64 at offset 0");

  EXPECT_EQ(refused(R"({"event":"media","media":{"chunk":"1","timestamp":"5","payload":"/w="}})").problem,
            FrameProblem::bad_base64);
}

TEST(MediaStreamMessagesTest, ANonNumericCounterIsABadNumber) {
  const auto outcome = refused(
      R"({"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"abc","timestamp":"5","payload":"/w=="},"streamSid":"MZ1"})");
  EXPECT_EQ(outcome.problem, FrameProblem::bad_number);
  EXPECT_THAT(outcome.detail, HasSubstr("media.chunk"));

  const auto bad_number = [](std::string_view text) { return refused(text).problem == FrameProblem::bad_number; };
  EXPECT_TRUE(bad_number(R"({"event":"mark","sequenceNumber":"4x","mark":{"name":"m"}})"));
  EXPECT_TRUE(bad_number(R"({"event":"mark","sequenceNumber":"","mark":{"name":"m"}})"));
  EXPECT_TRUE(bad_number(R"({"event":"mark","sequenceNumber":"-1","mark":{"name":"m"}})"));
  EXPECT_TRUE(bad_number(R"({"event":"mark","sequenceNumber":" 4","mark":{"name":"m"}})"));
  EXPECT_TRUE(bad_number(R"({"event":"mark","sequenceNumber":"99999999999999999999","mark":{"name":"m"}})"));
  EXPECT_TRUE(bad_number(R"({"event":"media","media":{"chunk":1.5,"timestamp":"5","payload":""}})"));
  EXPECT_TRUE(bad_number(R"({"event":"media","media":{"chunk":-1,"timestamp":"5","payload":""}})"));
  EXPECT_TRUE(bad_number(R"({"event":"media","media":{"chunk":"1","timestamp":"5ms","payload":""}})"));
}

TEST(MediaStreamMessagesTest, EveryProblemHasAStableName) {
  EXPECT_EQ(to_string(FrameProblem::not_json), "not_json");
  EXPECT_EQ(to_string(FrameProblem::unknown_event), "unknown_event");
  EXPECT_EQ(to_string(FrameProblem::missing_field), "missing_field");
  EXPECT_EQ(to_string(FrameProblem::bad_base64), "bad_base64");
  EXPECT_EQ(to_string(FrameProblem::bad_number), "bad_number");
}

// ---------------------------------------------------------------------------------------
// Twilio-side serialisers (simulator): the documented shapes, and back through the parser

StartMessage example_start() {
  StartMessage start;
  start.sequence_number = 1;
  start.account_sid = kAccountSid;
  start.stream_sid = kStreamSid;
  start.call_sid = kCallSid;
  start.tracks = {"inbound"};
  start.custom_parameters = {{"FirstName", "Jane"}, {"LastName", "Doe"}, {"RemoteParty", "Bob"}};
  start.encoding = "audio/x-mulaw";
  start.sample_rate_hz = 8000;
  start.channels = 1;
  return start;
}

TEST(MediaStreamMessagesTest, TwilioSideSerialisersMatchTheDocumentedExamples) {
  EXPECT_EQ(serialize_connected(), minified(kConnectedExample));
  EXPECT_EQ(serialize_start(example_start()), minified(kStartExample));
  EXPECT_EQ(serialize_dtmf(kStreamSid, 5, "1"), minified(kDtmfExample));
  EXPECT_EQ(serialize_inbound_mark(kStreamSid, 4, "my label"), minified(kMarkExample));

  StopMessage stop;
  stop.sequence_number = 5;
  stop.account_sid = kAccountSid;
  stop.call_sid = kCallSid;
  EXPECT_EQ(serialize_stop(kStreamSid, stop), minified(kStopExample));

  MediaMessage media;
  media.sequence_number = 3;
  media.track = "inbound";
  media.chunk = 1;
  media.timestamp_ms = 5;
  media.payload = {0x9E, 0x8F, 0x89, 0x86, 0x86, 0x89, 0x8E, 0x9C, 0xD2, 0x1F, 0x10, 0x0A};
  EXPECT_EQ(serialize_inbound_media(kStreamSid, media), minified(kMediaExample));
}

TEST(MediaStreamMessagesTest, ADefaultStartAnnouncesTwiliosMediaFormat) {
  const auto start = parse_as<StartMessage>(serialize_start(StartMessage{}));
  EXPECT_EQ(start.encoding, "audio/x-mulaw");
  EXPECT_EQ(start.sample_rate_hz, 8000U);
  EXPECT_EQ(start.channels, 1U);
}

TEST(MediaStreamMessagesTest, ConnectedRoundTrips) {
  const auto connected = parse_as<ConnectedMessage>(serialize_connected());
  EXPECT_EQ(connected.protocol, "Call");
  EXPECT_EQ(connected.version, "1.0.0");
}

TEST(MediaStreamMessagesTest, StartRoundTrips) {
  StartMessage original = example_start();
  original.sequence_number = 2;
  original.tracks = {"inbound", "outbound"};
  original.custom_parameters = {{"Zeta", "last name first"}, {"Alpha", "quote \" and \\ and é"}};
  const auto parsed = parse_as<StartMessage>(serialize_start(original));
  EXPECT_EQ(parsed.sequence_number, original.sequence_number);
  EXPECT_EQ(parsed.stream_sid, original.stream_sid);
  EXPECT_EQ(parsed.account_sid, original.account_sid);
  EXPECT_EQ(parsed.call_sid, original.call_sid);
  EXPECT_EQ(parsed.tracks, original.tracks);
  EXPECT_EQ(parsed.custom_parameters, original.custom_parameters);  // order kept
  EXPECT_EQ(parsed.encoding, original.encoding);
  EXPECT_EQ(parsed.sample_rate_hz, original.sample_rate_hz);
  EXPECT_EQ(parsed.channels, original.channels);
}

TEST(MediaStreamMessagesTest, InboundMediaRoundTrips) {
  MediaMessage original;
  original.sequence_number = 424;
  original.track = "inbound";
  original.chunk = 423;
  original.timestamp_ms = 8585;
  original.payload.assign(160, 0xFF);
  const auto parsed = parse_as<MediaMessage>(serialize_inbound_media("MZ92fd0a8252929adb108b724f970eaebb", original));
  EXPECT_EQ(parsed.sequence_number, original.sequence_number);
  EXPECT_EQ(parsed.track, original.track);
  EXPECT_EQ(parsed.chunk, original.chunk);
  EXPECT_EQ(parsed.timestamp_ms, original.timestamp_ms);
  EXPECT_EQ(parsed.payload, original.payload);
}

TEST(MediaStreamMessagesTest, InboundMarkDtmfAndStopRoundTrip) {
  const auto mark = parse_as<MarkMessage>(serialize_inbound_mark("MZ1", 9, "turn-3/chunk-12"));
  EXPECT_EQ(mark.sequence_number, 9U);
  EXPECT_EQ(mark.name, "turn-3/chunk-12");

  const auto dtmf = parse_as<DtmfMessage>(serialize_dtmf("MZ1", 10, "*"));
  EXPECT_EQ(dtmf.sequence_number, 10U);
  EXPECT_EQ(dtmf.track, "inbound_track");
  EXPECT_EQ(dtmf.digit, "*");

  StopMessage original;
  original.sequence_number = 11;
  original.account_sid = "AC1";
  original.call_sid = "CA1";
  const auto stop = parse_as<StopMessage>(serialize_stop("MZ1", original));
  EXPECT_EQ(stop.sequence_number, 11U);
  EXPECT_EQ(stop.account_sid, "AC1");
  EXPECT_EQ(stop.call_sid, "CA1");
}

// ---------------------------------------------------------------------------------------
// Outbound serialisers (host → Twilio): exact bytes

bool is_json(const std::string& text) { return !nlohmann::json::parse(text, nullptr, false).is_discarded(); }

TEST(MediaStreamMessagesTest, OutboundMediaIsByteExact) {
  std::string output;
  const std::vector<std::uint8_t> one_byte{0xFF};
  serialize_media("MZ1", one_byte, output);
  EXPECT_EQ(output, R"({"event":"media","streamSid":"MZ1","media":{"payload":"/w=="}})");
  EXPECT_TRUE(is_json(output));

  serialize_media("MZ1", {}, output);
  EXPECT_EQ(output, R"({"event":"media","streamSid":"MZ1","media":{"payload":""}})");
}

TEST(MediaStreamMessagesTest, OutboundMediaOfTwentyMillisecondsReusesItsBuffer) {
  std::string output;
  const std::vector<std::uint8_t> silence(160, 0xFF);
  serialize_media(kStreamSid, silence, output);
  const std::string expected =
      R"({"event":"media","streamSid":")" + std::string(kStreamSid) + R"(","media":{"payload":")" +
      std::string(213, '/') + R"(w=="}})";
  EXPECT_EQ(output, expected);
  EXPECT_TRUE(is_json(output));

  // The second frame must fit in what the first one reserved: no allocation per frame.
  const char* const buffer = output.data();
  serialize_media(kStreamSid, silence, output);
  EXPECT_EQ(output.data(), buffer);
  EXPECT_EQ(output, expected);
}

TEST(MediaStreamMessagesTest, OutboundMarkAndClearAreByteExact) {
  std::string output = "leftover from a previous message";
  serialize_mark("MZ1", "my label", output);
  EXPECT_EQ(output, R"({"event":"mark","streamSid":"MZ1","mark":{"name":"my label"}})");
  EXPECT_TRUE(is_json(output));

  serialize_clear("MZ1", output);
  EXPECT_EQ(output, R"({"event":"clear","streamSid":"MZ1"})");
  EXPECT_TRUE(is_json(output));
}

TEST(MediaStreamMessagesTest, OutboundStringsAreEscaped) {
  std::string output;
  serialize_mark("MZ\"1", "a\"b\\c\nd\x01" "e\x1f", output);
  EXPECT_EQ(output,
            R"({"event":"mark","streamSid":"MZ\"1","mark":{"name":"a\"b\\c\u000ad\u0001e\u001f"}})");
  ASSERT_TRUE(is_json(output));
  const auto parsed = nlohmann::json::parse(output);
  EXPECT_EQ(parsed["streamSid"], "MZ\"1");
  EXPECT_EQ(parsed["mark"]["name"], "a\"b\\c\nd\x01" "e\x1f");

  serialize_clear("MZ\\", output);
  EXPECT_EQ(output, R"({"event":"clear","streamSid":"MZ\\"})");
  EXPECT_TRUE(is_json(output));
}

TEST(MediaStreamMessagesTest, OutboundUtf8IsKeptAndInvalidBytesAreReplaced) {
  std::string output;
  serialize_mark("MZ1", "caf\xC3\xA9 \xF0\x9F\x93\x9E", output);  // "café 📞"
  EXPECT_EQ(output, "{\"event\":\"mark\",\"streamSid\":\"MZ1\",\"mark\":{\"name\":\"caf\xC3\xA9 \xF0\x9F\x93\x9E\"}}");
  EXPECT_TRUE(is_json(output));

  // A lone continuation byte, a truncated sequence and an encoded surrogate.
  serialize_mark("MZ1", "a\x80" "b\xC3" "c\xED\xA0\x80", output);
  EXPECT_EQ(output,
            R"({"event":"mark","streamSid":"MZ1","mark":{"name":"a\ufffdb\ufffdc\ufffd\ufffd\ufffd"}})");
  EXPECT_TRUE(is_json(output));
}

TEST(MediaStreamMessagesTest, OutboundMarkRoundTripsThroughTwiliosEcho) {
  // Twilio echoes the name back unchanged; the host must recognise its own mark.
  const std::string name = "turn 3 \"quoted\" \\ tab\t";
  std::string output;
  serialize_mark("MZ1", name, output);
  const auto echoed = nlohmann::json::parse(output);
  const auto mark = parse_as<MarkMessage>(
      serialize_inbound_mark(echoed["streamSid"].get<std::string>(), 4, echoed["mark"]["name"].get<std::string>()));
  EXPECT_EQ(mark.name, name);
}

}  // namespace
}  // namespace callagent::twilio
