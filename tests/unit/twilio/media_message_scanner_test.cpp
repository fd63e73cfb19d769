// The fast path of parse_inbound_message() (host/twilio/media_message_scanner.h) must be
// invisible: for every input, the result is the one the nlohmann-based slow path gives.
// These tests compare the two paths field by field, and check which inputs the fast path
// takes, so that it can neither drift from the slow path nor silently stop engaging.
#include "host/twilio/media_message_scanner.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/twilio/recorded_media_stream_messages.h"

#include "host/twilio/media_stream_messages.h"

namespace callagent::twilio {
namespace {

// ---------------------------------------------------------------------------------------
// A complete, readable rendering of an outcome: equal renderings mean equal outcomes,
// and a difference shows which field differs.

// Printable ASCII as is, anything else as \xNN, so a mismatch in raw bytes is visible.
std::string printable(std::string_view text) {
  std::string out = "\"";
  for (const char character : text) {
    const auto byte = static_cast<unsigned char>(character);
    if (byte >= 0x20 && byte < 0x7F && byte != '\\') {
      out += character;
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      out += escaped;
    }
  }
  return out + "\"";
}

std::string hex(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  for (const std::uint8_t byte : bytes) {
    char digits[3];
    std::snprintf(digits, sizeof digits, "%02X", byte);
    out += digits;
  }
  return out;
}

std::string describe_message(const ConnectedMessage& message) {
  return "connected protocol=" + printable(message.protocol) + " version=" + printable(message.version);
}

std::string describe_message(const StartMessage& message) {
  std::string out = "start seq=" + std::to_string(message.sequence_number) +
                    " streamSid=" + printable(message.stream_sid) +
                    " accountSid=" + printable(message.account_sid) +
                    " callSid=" + printable(message.call_sid) + " tracks=[";
  for (const auto& track : message.tracks) out += printable(track) + ",";
  out += "] customParameters={";
  for (const auto& [name, value] : message.custom_parameters) out += printable(name) + ":" + printable(value) + ",";
  return out + "} encoding=" + printable(message.encoding) +
         " sampleRate=" + std::to_string(message.sample_rate_hz) +
         " channels=" + std::to_string(message.channels);
}

std::string describe_message(const MediaMessage& message) {
  return "media seq=" + std::to_string(message.sequence_number) + " track=" + printable(message.track) +
         " chunk=" + std::to_string(message.chunk) + " timestamp=" + std::to_string(message.timestamp_ms) +
         " payload=" + hex(message.payload);
}

std::string describe_message(const MarkMessage& message) {
  return "mark seq=" + std::to_string(message.sequence_number) + " name=" + printable(message.name);
}

std::string describe_message(const DtmfMessage& message) {
  return "dtmf seq=" + std::to_string(message.sequence_number) + " track=" + printable(message.track) +
         " digit=" + printable(message.digit);
}

std::string describe_message(const StopMessage& message) {
  return "stop seq=" + std::to_string(message.sequence_number) +
         " accountSid=" + printable(message.account_sid) + " callSid=" + printable(message.call_sid);
}

// Problem and detail are rendered even on success: they must agree there too.
std::string describe(const ParseOutcome& outcome) {
  std::string out = std::string(to_string(outcome.problem)) + " detail=" + printable(outcome.detail) + " | ";
  if (!outcome.ok()) return out + "refused";
  return out + std::visit([](const auto& message) { return describe_message(message); }, outcome.value());
}

ParseOutcome as_outcome(InboundMessage message) {
  ParseOutcome outcome;
  outcome.message = std::move(message);
  return outcome;
}

// Checks one input: parse_inbound_message() equals the slow path, the scanner takes it
// exactly when `fast` says, and what the scanner returns is the slow path's message.
void expect_same_as_slow_path(std::string_view text, bool fast) {
  SCOPED_TRACE(printable(text.substr(0, 300)));
  const ParseOutcome slow = detail::parse_inbound_message_slow(text);

  const std::uint64_t before = detail::fast_path_parses();
  const ParseOutcome actual = parse_inbound_message(text);
  EXPECT_EQ(detail::fast_path_parses() - before, fast ? 1U : 0U) << "fast path taken or not, unexpectedly";
  EXPECT_EQ(describe(actual), describe(slow));

  const auto scanned = detail::scan_media_or_mark(text);
  EXPECT_EQ(scanned.has_value(), fast);
  if (scanned) {
    EXPECT_EQ(describe(as_outcome(*scanned)), describe(slow));
  }
}

// Like expect_same_as_slow_path(), for generated inputs where which path runs is not
// predicted; returns whether the fast path took it.
bool same_as_slow_path(std::string_view text) {
  SCOPED_TRACE(printable(text.substr(0, 300)));
  const ParseOutcome slow = detail::parse_inbound_message_slow(text);
  const std::uint64_t before = detail::fast_path_parses();
  EXPECT_EQ(describe(parse_inbound_message(text)), describe(slow));
  const bool fast = detail::fast_path_parses() != before;
  const auto scanned = detail::scan_media_or_mark(text);
  EXPECT_EQ(scanned.has_value(), fast);
  if (fast) {
    EXPECT_TRUE(slow.ok()) << "the fast path accepted what the slow path refuses";
  }
  return fast;
}

// ---------------------------------------------------------------------------------------
using namespace recorded;  // the examples of protocols.md §1.2

// A real-sized inbound frame: 20 ms of μ-law silence, as Twilio's serialiser shape.
std::string twenty_millisecond_media_frame() {
  MediaMessage media;
  media.sequence_number = 424;
  media.track = "inbound";
  media.chunk = 423;
  media.timestamp_ms = 8585;
  media.payload.assign(160, 0xFF);
  return serialize_inbound_media("MZ92fd0a8252929adb108b724f970eaebb", media);
}

// `levels` objects nested inside an unknown member of a mark frame (which is level 1).
std::string mark_with_nested_unknown_member(std::size_t levels) {
  std::string nested;
  for (std::size_t level = 0; level < levels; ++level) nested += R"({"k":)";
  nested += R"("v")";
  nested += std::string(levels, '}');
  return R"({"event":"mark","sequenceNumber":"4","deep":)" + nested + R"(,"mark":{"name":"m"}})";
}

struct Case {
  std::string_view label;
  std::string text;
};

// ---------------------------------------------------------------------------------------
// Inputs the fast path must take

const std::vector<Case>& fast_corpus() {
  static const std::vector<Case> corpus = {
      {"recorded media", std::string(kMediaExample)},
      {"observed media capture", std::string(kObservedMediaCapture)},
      {"recorded mark", std::string(kMarkExample)},
      {"20 ms media frame", twenty_millisecond_media_frame()},
      {"serialised inbound mark", serialize_inbound_mark("MZ1", 9, "turn-3/chunk-12")},
      {"media, keys reordered",
       R"({"streamSid":"MZ1","media":{"payload":"/w==","timestamp":"25","chunk":"2","track":"inbound"},"sequenceNumber":"3","event":"media"})"},
      {"mark, event last", R"({"mark":{"name":"m1"},"sequenceNumber":"4","streamSid":"MZ1","event":"mark"})"},
      {"media, unknown fields and nested objects",
       R"({"event":"media","future":"x","nested":{"a":{"b":"c"},"d":{}},"media":{"extra":{"x":{"y":"z"}},"track":"inbound","chunk":"1","timestamp":"5","payload":"/w==","more":""},"streamSid":"MZ1"})"},
      {"mark, unknown fields in the mark object", R"({"event":"mark","mark":{"id":"7","name":"m1","extra":{}}})"},
      {"whitespace everywhere",
       " \t\r\n{ \"event\" :\t\"media\" ,\n\"sequenceNumber\"\r: \"3\" , \"media\" : { \"chunk\" : \"1\" ,"
       " \"timestamp\" : \"5\" , \"payload\" : \"/w==\" } , \"streamSid\" : \"MZ1\" , \"x\" : { } } \n\t "},
      {"empty payload", R"({"event":"media","media":{"chunk":"1","timestamp":"5","payload":""}})"},
      {"no track, no sequence number", R"({"event":"media","media":{"chunk":"2","timestamp":"25","payload":"/w=="}})"},
      {"outbound track", R"({"event":"media","media":{"track":"outbound","chunk":"2","timestamp":"25","payload":"AAEC"}})"},
      {"mark without sequence number", R"({"event":"mark","mark":{"name":"m1"}})"},
      {"mark name in raw UTF-8", "{\"event\":\"mark\",\"mark\":{\"name\":\"caf\xC3\xA9 \xF0\x9F\x93\x9E \xE0\xA0\x80\"}}"},
      {"mark name with DEL (valid unescaped)", "{\"event\":\"mark\",\"mark\":{\"name\":\"a\x7F" "b\"}}"},
      {"mark name with brackets", R"({"event":"mark","mark":{"name":"[[{{}]"}})"},
      {"empty mark name", R"({"event":"mark","mark":{"name":""}})"},
      {"long mark name", R"({"event":"mark","mark":{"name":")" + std::string(300, 'n') + R"("}})"},
      {"largest counters",
       R"({"event":"media","sequenceNumber":"18446744073709551615","media":{"chunk":"18446744073709551615","timestamp":"9223372036854775807","payload":""}})"},
      {"negative timestamp", R"({"event":"media","media":{"chunk":"1","timestamp":"-5","payload":""}})"},
      {"leading zeros", R"({"event":"media","sequenceNumber":"007","media":{"chunk":"01","timestamp":"00","payload":""}})"},
      {"media event with a mark object too", R"({"event":"media","mark":{"name":"x"},"media":{"chunk":"1","timestamp":"5","payload":""}})"},
      {"mark event with a media object too", R"({"event":"mark","media":{"chunk":"x"},"mark":{"name":"m"}})"},
      {"UTF-8 in unknown keys and values", "{\"event\":\"mark\",\"\xC3\xA9\":\"\xF4\x8F\xBF\xBF\",\"mark\":{\"name\":\"m\"}}"},
      {"nesting exactly at the limit", mark_with_nested_unknown_member(detail::kMaxNestingDepth - 1)},
  };
  return corpus;
}

TEST(MediaMessageScannerTest, OrdinaryMediaAndMarkFramesTakeTheFastPath) {
  for (const Case& input : fast_corpus()) {
    SCOPED_TRACE(input.label);
    expect_same_as_slow_path(input.text, true);
  }
}

TEST(MediaMessageScannerTest, TheFastPathReadsTheRecordedFramesCorrectly) {
  // Independent of the slow path: the values protocols.md §1.2 records.
  const auto media = detail::scan_media_or_mark(kObservedMediaCapture);
  ASSERT_TRUE(media.has_value());
  ASSERT_TRUE(std::holds_alternative<MediaMessage>(*media));
  const auto& frame = std::get<MediaMessage>(*media);
  EXPECT_EQ(frame.sequence_number, 424U);
  EXPECT_EQ(frame.track, "inbound");
  EXPECT_EQ(frame.chunk, 423U);
  EXPECT_EQ(frame.timestamp_ms, 8585);
  EXPECT_EQ(frame.payload, (std::vector<std::uint8_t>{0xFF, 0xFF, 0xFF}));

  const auto mark = detail::scan_media_or_mark(kMarkExample);
  ASSERT_TRUE(mark.has_value());
  ASSERT_TRUE(std::holds_alternative<MarkMessage>(*mark));
  EXPECT_EQ(std::get<MarkMessage>(*mark).sequence_number, 4U);
  EXPECT_EQ(std::get<MarkMessage>(*mark).name, "my label");

  const auto defaults = detail::scan_media_or_mark(R"({"event":"media","media":{"chunk":"2","timestamp":"25","payload":""}})");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(std::get<MediaMessage>(*defaults).sequence_number, 0U);
  EXPECT_EQ(std::get<MediaMessage>(*defaults).track, "inbound");
}

// ---------------------------------------------------------------------------------------
// Inputs left to the slow path, whose result must come out unchanged

const std::vector<Case>& fallback_corpus() {
  static const std::vector<Case> corpus = {
      // The other recorded messages: objects with arrays and numbers, or other events.
      {"recorded connected", std::string(kConnectedExample)},
      {"recorded start", std::string(kStartExample)},
      {"older recorded start", std::string(kOlderStartExample)},
      {"recorded dtmf", std::string(kDtmfExample)},
      {"recorded stop", std::string(kStopExample)},
      {"bare stop", R"({"event":"stop","streamSid":"MZ1"})"},

      // Escapes: valid, and the slow path decodes them.
      {"mark name with \\\"", R"({"event":"mark","mark":{"name":"say \"hi\""}})"},
      {"mark name with \\u00e9", R"({"event":"mark","mark":{"name":"caf\u00e9"}})"},
      {"mark name with a surrogate pair", R"({"event":"mark","mark":{"name":"\ud83d\udcde"}})"},
      {"mark name with \\u0000", R"({"event":"mark","mark":{"name":"a\u0000b"}})"},
      {"payload with an escaped slash", R"({"event":"media","media":{"chunk":"1","timestamp":"5","payload":"\/w=="}})"},
      {"escaped key", R"({"ev\u0065nt":"mark","mark":{"name":"m"}})"},
      {"escaped event name", R"({"event":"m\u0061rk","mark":{"name":"m"}})"},
      {"escape in an unknown field", R"({"event":"mark","x":"a\nb","mark":{"name":"m"}})"},
      {"invalid escape", R"({"event":"mark","mark":{"name":"a\qb"}})"},
      {"lone surrogate escape", R"({"event":"mark","mark":{"name":"\ud83d"}})"},

      // Numbers, arrays, literals.
      {"counters as JSON numbers", R"({"event":"media","sequenceNumber":7,"media":{"chunk":6,"timestamp":120,"payload":""}})"},
      {"fractional chunk", R"({"event":"media","media":{"chunk":1.5,"timestamp":"5","payload":""}})"},
      {"negative chunk", R"({"event":"media","media":{"chunk":-1,"timestamp":"5","payload":""}})"},
      {"numeric payload", R"({"event":"media","media":{"chunk":"1","timestamp":"5","payload":7}})"},
      {"numeric mark name", R"({"event":"mark","mark":{"name":12}})"},
      {"numeric event", R"({"event":42})"},
      {"array in an unknown field", R"({"event":"mark","futureField":[1,2],"mark":{"name":"m1","extra":{}}})"},
      {"true in an unknown field", R"({"event":"mark","flag":true,"mark":{"name":"m"}})"},
      {"false in an unknown field", R"({"event":"mark","mark":{"name":"m","flag":false}})"},
      {"null sequence number (counts as absent)", R"({"event":"mark","sequenceNumber":null,"mark":{"name":"m"}})"},
      {"null track", R"({"event":"media","media":{"track":null,"chunk":"1","timestamp":"5","payload":""}})"},
      {"null mark name", R"({"event":"mark","mark":{"name":null}})"},
      {"media object is a string (mark event)", R"({"event":"mark","media":"x","mark":{"name":"m"}})"},
      {"mark object is a string", R"({"event":"mark","mark":"m1"})"},
      {"media object is an array", R"({"event":"media","media":["/w=="]})"},

      // Not JSON, or not an object.
      {"empty text", ""},
      {"whitespace only", " \n\t"},
      {"a string", R"("media")"},
      {"null", "null"},
      {"an array", R"([{"event":"mark","mark":{"name":"m"}}])"},
      {"empty object", "{}"},
      {"missing colon", R"({"event" "mark","mark":{"name":"m"}})"},
      {"missing comma", R"({"event":"mark" "mark":{"name":"m"}})"},
      {"trailing comma", R"({"event":"mark","mark":{"name":"m"},})"},
      {"trailing comma inside", R"({"event":"mark","mark":{"name":"m",}})"},
      {"leading comma", R"({,"event":"mark","mark":{"name":"m"}})"},
      {"single quotes", R"({'event':'mark','mark':{'name':'m'}})"},
      {"unquoted key", R"({event:"mark","mark":{"name":"m"}})"},
      {"trailing garbage", R"({"event":"mark","mark":{"name":"m"}}x)"},
      {"two objects", R"({"event":"mark","mark":{"name":"m"}}{})"},
      {"extra closing brace", R"({"event":"mark","mark":{"name":"m"}}})"},
      {"byte order mark", "\xEF\xBB\xBF{\"event\":\"mark\",\"mark\":{\"name\":\"m\"}}"},
      {"vertical tab as whitespace", "{\"event\":\"mark\",\v\"mark\":{\"name\":\"m\"}}"},
      {"comment", "{\"event\":\"mark\",/* c */\"mark\":{\"name\":\"m\"}}"},
      {"NUL after the object", std::string(R"({"event":"mark","mark":{"name":"m"}})") + '\0'},
      {"truncated media capture", std::string(kObservedMediaCapture.substr(0, kObservedMediaCapture.size() / 2))},
      {"media capture without its last brace", std::string(kObservedMediaCapture.substr(0, kObservedMediaCapture.size() - 1))},
      {"unterminated string", R"({"event":"mark","mark":{"name":"m)"},

      // Invalid string contents.
      {"raw control byte in a name", "{\"event\":\"mark\",\"mark\":{\"name\":\"a\x01" "b\"}}"},
      {"raw tab in a name", "{\"event\":\"mark\",\"mark\":{\"name\":\"a\tb\"}}"},
      {"raw newline in an unknown field", "{\"event\":\"mark\",\"x\":\"a\nb\",\"mark\":{\"name\":\"m\"}}"},
      {"NUL in a name", std::string("{\"event\":\"mark\",\"mark\":{\"name\":\"a") + '\0' + "b\"}}"},
      {"truncated UTF-8 in a name", "{\"event\":\"mark\",\"mark\":{\"name\":\"caf\xC3\"}}"},
      {"UTF-8 surrogate in a name", "{\"event\":\"mark\",\"mark\":{\"name\":\"\xED\xA0\x80\"}}"},
      {"overlong UTF-8 in a name", "{\"event\":\"mark\",\"mark\":{\"name\":\"\xC0\xAF\"}}"},
      {"UTF-8 above U+10FFFF", "{\"event\":\"mark\",\"mark\":{\"name\":\"\xF4\x90\x80\x80\"}}"},
      {"stray continuation byte in a payload", "{\"event\":\"media\",\"media\":{\"chunk\":\"1\",\"timestamp\":\"5\",\"payload\":\"\x80\"}}"},
      {"Latin-1 byte in an unknown field", "{\"event\":\"mark\",\"x\":\"\xE9\",\"mark\":{\"name\":\"m\"}}"},

      // Valid JSON, refused or parsed by the slow path for its content.
      {"bad base64", R"({"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"@@@@"},"streamSid":"MZ1"})"},
      {"base64 with bad padding", R"({"event":"media","media":{"chunk":"1","timestamp":"5","payload":"/w="}})"},
      {"base64 padding in the middle", R"({"event":"media","media":{"chunk":"1","timestamp":"5","payload":"/w==/w=="}})"},
      {"base64 with a space", R"({"event":"media","media":{"chunk":"1","timestamp":"5","payload":"/w== "}})"},
      {"no media object", R"({"event":"media","sequenceNumber":"3","streamSid":"MZ1"})"},
      {"no payload", R"({"event":"media","media":{"track":"inbound","chunk":"1","timestamp":"5"}})"},
      {"no chunk", R"({"event":"media","media":{"timestamp":"5","payload":""}})"},
      {"no timestamp", R"({"event":"media","media":{"chunk":"1","payload":""}})"},
      {"no mark object", R"({"event":"mark","sequenceNumber":"4"})"},
      {"no mark name", R"({"event":"mark","mark":{}})"},
      {"no event", R"({"mark":{"name":"m"}})"},
      {"event is an object", R"({"event":{},"mark":{"name":"m"}})"},
      {"unknown event", R"({"event":"foo","streamSid":"MZ1"})"},
      {"clear is not inbound", R"({"event":"clear","streamSid":"MZ1"})"},
      {"event in another case", R"({"event":"Media","media":{"chunk":"1","timestamp":"5","payload":""}})"},
      {"connected without fields", R"({"event":"connected"})"},
      {"dtmf with strings only", R"({"event":"dtmf","dtmf":{"digit":"#"}})"},
      {"non-numeric chunk", R"({"event":"media","media":{"chunk":"abc","timestamp":"5","payload":"/w=="}})"},
      {"timestamp with a unit", R"({"event":"media","media":{"chunk":"1","timestamp":"5ms","payload":""}})"},
      {"sequence number with a suffix", R"({"event":"mark","sequenceNumber":"4x","mark":{"name":"m"}})"},
      {"empty sequence number", R"({"event":"mark","sequenceNumber":"","mark":{"name":"m"}})"},
      {"negative sequence number", R"({"event":"mark","sequenceNumber":"-1","mark":{"name":"m"}})"},
      {"sequence number with a plus", R"({"event":"mark","sequenceNumber":"+1","mark":{"name":"m"}})"},
      {"sequence number with a space", R"({"event":"mark","sequenceNumber":" 4","mark":{"name":"m"}})"},
      {"sequence number out of range", R"({"event":"mark","sequenceNumber":"18446744073709551616","mark":{"name":"m"}})"},
      {"timestamp out of range", R"({"event":"media","media":{"chunk":"1","timestamp":"9223372036854775808","payload":""}})"},
      {"hexadecimal chunk", R"({"event":"media","media":{"chunk":"0x1","timestamp":"5","payload":""}})"},

      // Duplicate keys: nlohmann keeps the first position and the last value.
      {"duplicate event", R"({"event":"media","event":"mark","mark":{"name":"m"}})"},
      {"duplicate sequence number", R"({"event":"mark","sequenceNumber":"1","sequenceNumber":"2","mark":{"name":"m"}})"},
      {"duplicate media object",
       R"({"event":"media","media":{"chunk":"1","timestamp":"5","payload":""},"media":{"chunk":"2","timestamp":"6","payload":"/w=="}})"},
      {"duplicate chunk", R"({"event":"media","media":{"chunk":"1","chunk":"2","timestamp":"5","payload":""}})"},
      {"duplicate payload", R"({"event":"media","media":{"chunk":"1","timestamp":"5","payload":"/w==","payload":""}})"},
      {"duplicate track", R"({"event":"media","media":{"track":"a","track":"b","chunk":"1","timestamp":"5","payload":""}})"},
      {"duplicate mark name", R"({"event":"mark","mark":{"name":"a","name":"b"}})"},
      {"duplicate mark object", R"({"event":"mark","mark":{"name":"a"},"mark":{"name":"b"}})"},

      // Nesting.
      {"nesting one level past the limit", mark_with_nested_unknown_member(detail::kMaxNestingDepth)},
      {"deep nesting", R"({"event":"mark","mark":{"name":"m"},"x":)" + std::string(100000, '[') + std::string(100000, ']') + "}"},
      {"deep object nesting", mark_with_nested_unknown_member(5000)},
  };
  return corpus;
}

TEST(MediaMessageScannerTest, EverythingElseGetsTheSlowPathsResult) {
  for (const Case& input : fallback_corpus()) {
    SCOPED_TRACE(input.label);
    expect_same_as_slow_path(input.text, false);
  }
}

TEST(MediaMessageScannerTest, FallbackKeepsTheSlowPathsErrorDetails) {
  // A few details spelled out, so that the comparison above is not between two wrongs.
  EXPECT_EQ(parse_inbound_message(R"({"event":"media","media":{"chunk":"1","timestamp":"5","payload":"@@@@"}})").detail,
            "media.payload: invalid base64 at offset 0");
  EXPECT_EQ(parse_inbound_message(R"({"event":"media","media":{"chunk":"1","timestamp":"5"}})").detail,
            "media.payload: missing");
  EXPECT_EQ(parse_inbound_message(R"({"event":"mark","sequenceNumber":"4x","mark":{"name":"m"}})").detail,
            "sequenceNumber: not a number: \"4x\"");
  EXPECT_EQ(parse_inbound_message(mark_with_nested_unknown_member(detail::kMaxNestingDepth)).detail,
            "nested deeper than 16 levels");
  EXPECT_EQ(parse_inbound_message(R"({"event":"mark","mark":{"name":"m"},})").detail, "not valid JSON");

  const ParseOutcome escaped = parse_inbound_message(R"({"event":"mark","mark":{"name":"caf\u00e9 \"x\""}})");
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(std::get<MarkMessage>(escaped.value()).name, "caf\xC3\xA9 \"x\"");
}

// ---------------------------------------------------------------------------------------
// Generated inputs

// Every truncation and many one-byte edits of the ordinary frames: each must give the
// slow path's result, whichever path runs.
TEST(MediaMessageScannerTest, EditedFramesGetTheSlowPathsResult) {
  constexpr std::string_view kReplacements = "\"\\{}[],: \t0a=/n\x01\x7F\x80\xC3\xFF";
  std::size_t fast = 0;
  std::size_t total = 0;
  const auto check = [&](const std::string& text) {
    fast += same_as_slow_path(text) ? 1 : 0;
    ++total;
  };
  for (const std::string_view frame : {kObservedMediaCapture, kMarkExample}) {
    const std::string original(frame);
    for (std::size_t position = 0; position <= original.size(); ++position) {
      check(original.substr(0, position));
      if (position == original.size()) break;
      check(original.substr(0, position) + original.substr(position + 1));             // deleted
      check(original.substr(0, position + 1) + original.substr(position));             // doubled
      for (const char replacement : kReplacements) {
        std::string edited = original;
        edited[position] = replacement;
        check(edited);
        check(original.substr(0, position) + replacement + original.substr(position));  // inserted
      }
    }
  }
  // Whitespace and SID edits keep many frames valid: the fast path must still take them.
  EXPECT_GT(fast, 100U) << "of " << total;
  EXPECT_LT(fast, total);
}

// Random media and mark frames: keys in random order, random whitespace, random unknown
// members, now and then a number, an escape, a duplicate or a bad value.
class FrameGenerator {
 public:
  explicit FrameGenerator(unsigned seed) : random_(seed) {}

  std::string frame() {
    const bool media = chance(2);
    std::vector<std::string> members;
    members.push_back(member("event", quoted(media ? "media" : (chance(20) ? "stop" : "mark"))));
    if (!chance(5)) members.push_back(member("sequenceNumber", counter()));
    members.push_back(member("streamSid", quoted("MZ92fd0a8252929adb108b724f970eaebb")));
    if (media || chance(10)) members.push_back(member("media", media_body()));
    if (!media || chance(10)) members.push_back(member("mark", mark_body()));
    add_unknown_members(members, 1);
    return space() + object(members) + space();
  }

 private:
  bool chance(unsigned one_in) { return std::uniform_int_distribution<unsigned>(1, one_in)(random_) == 1; }

  std::string space() {
    static constexpr std::string_view kWhitespace[] = {"", "", "", " ", "\n  ", "\t", "\r\n"};
    return std::string(kWhitespace[std::uniform_int_distribution<std::size_t>(0, 6)(random_)]);
  }

  std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

  std::string member(std::string_view key, const std::string& value) {
    return space() + quoted(key) + space() + ":" + space() + value + space();
  }

  std::string object(std::vector<std::string> members) {
    std::shuffle(members.begin(), members.end(), random_);
    if (members.size() > 1 && chance(40)) members.push_back(members.front());  // a duplicate
    std::string text = "{";
    for (std::size_t index = 0; index < members.size(); ++index) text += (index == 0 ? "" : ",") + members[index];
    return text + (members.empty() ? space() : "") + "}";
  }

  std::string counter() {
    const auto value = std::uniform_int_distribution<std::uint64_t>(0, 100000)(random_);
    if (chance(30)) return std::to_string(value);  // a JSON number
    if (chance(30)) return quoted(std::to_string(value) + "x");
    if (chance(30)) return quoted("-" + std::to_string(value));
    return quoted(std::to_string(value));
  }

  std::string payload() {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string text;
    const std::size_t quads = std::uniform_int_distribution<std::size_t>(0, 60)(random_);
    for (std::size_t index = 0; index < quads * 4; ++index) {
      text += kAlphabet[std::uniform_int_distribution<std::size_t>(0, 63)(random_)];
    }
    if (!text.empty() && chance(4)) text.back() = '=';
    if (chance(30)) text += "=";        // bad length
    if (chance(30)) text.insert(0, "\\/");  // an escape (still valid base64 once decoded)
    return quoted(text);
  }

  std::string media_body() {
    std::vector<std::string> members;
    if (!chance(4)) members.push_back(member("track", quoted(chance(5) ? "outbound" : "inbound")));
    if (!chance(30)) members.push_back(member("chunk", counter()));
    if (!chance(30)) members.push_back(member("timestamp", counter()));
    if (!chance(30)) members.push_back(member("payload", payload()));
    add_unknown_members(members, 2);
    return object(std::move(members));
  }

  std::string mark_body() {
    static constexpr std::string_view kNames[] = {"my label", "turn-3/chunk-12", "caf\xC3\xA9", "say \\\"hi\\\"",
                                                  "caf\\u00e9", "", "[{"};
    std::vector<std::string> members;
    if (!chance(20)) members.push_back(member("name", quoted(kNames[std::uniform_int_distribution<std::size_t>(0, 6)(random_)])));
    add_unknown_members(members, 2);
    return object(std::move(members));
  }

  std::string unknown_value(std::size_t depth) {
    switch (std::uniform_int_distribution<int>(0, 24)(random_)) {
      case 0: return "12";
      case 1: return chance(2) ? "true" : "null";
      case 2: return "[\"a\",{}]";
      case 3:
      case 4:
      case 5:
      case 6:
      case 7: {
        if (depth > 18) return quoted("leaf");
        std::vector<std::string> members;
        add_unknown_members(members, depth + 1);
        return object(std::move(members));
      }
      default: return quoted(chance(10) ? "esc\\t" : "value");
    }
  }

  void add_unknown_members(std::vector<std::string>& members, std::size_t depth) {
    // Deeper objects get fewer members, so that most frames stay small but some nest deep.
    const unsigned count = std::uniform_int_distribution<unsigned>(0, depth < 3 ? 3U : 1U)(random_);
    for (unsigned index = 0; index < count; ++index) {
      members.push_back(member("x" + std::to_string(index), unknown_value(depth)));
    }
  }

  std::mt19937 random_;
};

TEST(MediaMessageScannerTest, GeneratedFramesGetTheSlowPathsResult) {
  FrameGenerator generator(20240607);
  std::size_t fast = 0;
  constexpr std::size_t kFrames = 3000;
  for (std::size_t index = 0; index < kFrames; ++index) {
    fast += same_as_slow_path(generator.frame()) ? 1 : 0;
  }
  // Both paths must get a fair share, or the comparison proves little.
  EXPECT_GT(fast, kFrames / 10);
  EXPECT_LT(fast, kFrames * 9 / 10);
}

// ---------------------------------------------------------------------------------------
// Shared pieces

TEST(MediaMessageScannerTest, DecimalCountersFollowOneRule) {
  std::uint64_t unsigned_value = 0;
  EXPECT_TRUE(detail::parse_decimal("424", unsigned_value));
  EXPECT_EQ(unsigned_value, 424U);
  EXPECT_TRUE(detail::parse_decimal("18446744073709551615", unsigned_value));
  EXPECT_FALSE(detail::parse_decimal("18446744073709551616", unsigned_value));
  EXPECT_FALSE(detail::parse_decimal("", unsigned_value));
  EXPECT_FALSE(detail::parse_decimal("-1", unsigned_value));
  EXPECT_FALSE(detail::parse_decimal("+1", unsigned_value));
  EXPECT_FALSE(detail::parse_decimal("1 ", unsigned_value));

  std::int64_t signed_value = 0;
  EXPECT_TRUE(detail::parse_decimal("-5", signed_value));
  EXPECT_EQ(signed_value, -5);
}

TEST(MediaMessageScannerTest, Utf8SequencesAreMeasuredByUnicodesTable) {
  EXPECT_EQ(detail::utf8_sequence_length("\xC3\xA9", 0), 2U);
  EXPECT_EQ(detail::utf8_sequence_length("\xE0\xA0\x80", 0), 3U);
  EXPECT_EQ(detail::utf8_sequence_length("\xF0\x9F\x93\x9E", 0), 4U);
  EXPECT_EQ(detail::utf8_sequence_length("\xF4\x8F\xBF\xBF", 0), 4U);
  EXPECT_EQ(detail::utf8_sequence_length("\x80", 0), 0U);              // stray continuation
  EXPECT_EQ(detail::utf8_sequence_length("\xC1\xBF", 0), 0U);          // overlong
  EXPECT_EQ(detail::utf8_sequence_length("\xE0\x9F\xBF", 0), 0U);      // overlong
  EXPECT_EQ(detail::utf8_sequence_length("\xED\xA0\x80", 0), 0U);      // surrogate
  EXPECT_EQ(detail::utf8_sequence_length("\xF4\x90\x80\x80", 0), 0U);  // above U+10FFFF
  EXPECT_EQ(detail::utf8_sequence_length("\xE2\x82", 0), 0U);          // truncated
}

}  // namespace
}  // namespace callagent::twilio
