// Script validation: what a good script becomes, and that every mistake is refused with
// its JSON path.
#include "plugins/llm/scripted/script_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace callagent::plugins::scripted {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A two-state script that parses; each test breaks one thing in it.
json valid_script() {
  return json::parse(R"js({
    "start": "welcome",
    "states": {
      "welcome": {
        "intents": [
          { "name": "book", "keywords": ["book", "Appointment!"], "reply": "Which day?", "next": "ask_day" },
          { "name": "hours", "regex": "\\b(open|hours)\\b", "reply": "Nine to five." }
        ],
        "fallback": "Sorry?"
      },
      "ask_day": {
        "slots": {
          "day": { "values": ["Monday", "Tuesday"] },
          "time": { "values": { "in the morning": ["morning", "a.m."], "in the afternoon": [] } },
          "name": { "regex": "my name is (\\w+)", "capitalize": true }
        },
        "intents": [
          { "name": "got_day", "requires": ["day"], "reply": "{day} it is, {name}.", "next": "welcome",
            "clear": ["time"] }
        ],
        "reprompt": "Which day, {caller_number}?"
      }
    },
    "global_intents": [
      { "name": "bye", "keywords": ["bye"], "reply": "Bye!",
        "tool": { "name": "end_call", "arguments": { "reason": "done" } } },
      { "name": "dial", "keywords": ["keypad 1"], "tool": { "name": "send_dtmf", "arguments": { "digits": "1" } } }
    ],
    "fallback": "Pardon?"
  })js");
}

std::string error_of(const json& script) {
  const auto result = parse_script(script, "script");
  EXPECT_FALSE(result.is_ok()) << script.dump(2);
  EXPECT_EQ(result.status().code(), ErrorCode::invalid_config);
  return result.status().message();
}

json with(json script, const std::string& pointer, json value) {
  script[json::json_pointer(pointer)] = std::move(value);
  return script;
}

json without(json script, const std::string& pointer) {
  const json::json_pointer where(pointer);
  script[where.parent_pointer()].erase(where.back());
  return script;
}

TEST(ScriptParserTest, BuildsTheModelFromAValidScript) {
  const auto parsed = parse_script(valid_script(), "script");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
  const Script& script = *parsed.value();
  EXPECT_EQ(script.start_state, "welcome");
  ASSERT_EQ(script.states.size(), 2u);

  const State& welcome = script.states.at("welcome");
  ASSERT_EQ(welcome.intents.size(), 2u);
  EXPECT_EQ(welcome.intents[0].keywords, (std::vector<std::string>{"book", "appointment"}));  // normalised
  EXPECT_EQ(welcome.intents[0].next_state, "ask_day");
  ASSERT_TRUE(welcome.intents[1].pattern.has_value());
  EXPECT_EQ(welcome.intents[1].pattern->source, "\\b(open|hours)\\b");
  ASSERT_TRUE(welcome.fallback.has_value());
  EXPECT_FALSE(welcome.reprompt.has_value());

  const State& ask_day = script.states.at("ask_day");
  ASSERT_EQ(ask_day.slots.size(), 3u);  // in name order
  EXPECT_EQ(ask_day.slots[0].name, "day");
  EXPECT_EQ(ask_day.slots[0].values[0].canonical, "Monday");
  EXPECT_EQ(ask_day.slots[0].values[0].phrases, (std::vector<std::string>{"monday"}));
  EXPECT_EQ(ask_day.slots[1].name, "name");
  EXPECT_TRUE(ask_day.slots[1].pattern.has_value());
  EXPECT_TRUE(ask_day.slots[1].capitalize);
  EXPECT_EQ(ask_day.slots[2].name, "time");
  EXPECT_EQ(ask_day.slots[2].values[1].canonical, "in the morning");
  EXPECT_EQ(ask_day.slots[2].values[1].phrases, (std::vector<std::string>{"in the morning", "morning", "a m"}));
  EXPECT_EQ(ask_day.intents[0].required_slots, (std::vector<std::string>{"day"}));
  EXPECT_EQ(ask_day.intents[0].cleared_slots, (std::vector<std::string>{"time"}));

  ASSERT_EQ(script.global_intents.size(), 2u);
  ASSERT_TRUE(script.global_intents[0].tool.has_value());
  EXPECT_EQ(script.global_intents[0].tool->name, "end_call");
  EXPECT_EQ(script.global_intents[0].tool->arguments_json, R"({"reason":"done"})");
  EXPECT_TRUE(script.global_intents[1].reply.empty());
  EXPECT_TRUE(script.fallback.has_value());
}

TEST(ScriptParserTest, ToolArgumentsDefaultToAnEmptyObject) {
  const auto parsed = parse_script(without(valid_script(), "/global_intents/0/tool/arguments"), "script");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
  EXPECT_EQ(parsed.value()->global_intents[0].tool->arguments_json, "{}");
}

TEST(ScriptParserTest, NamesAnUnknownNextStateWithItsPath) {
  EXPECT_EQ(error_of(with(valid_script(), "/states/welcome/intents/0/next", "ask_dya")),
            "script.states.welcome.intents[0].next: unknown state \"ask_dya\" (states: ask_day, welcome)");
  EXPECT_EQ(error_of(with(valid_script(), "/start", "hello")),
            "script.start: unknown state \"hello\" (states: ask_day, welcome)");
}

TEST(ScriptParserTest, RefusesUnknownKeysEverywhere) {
  EXPECT_EQ(error_of(with(valid_script(), "/greeting", "Hi")),
            "script.greeting: unknown key (known: start, states, global_intents, fallback)");
  EXPECT_EQ(error_of(with(valid_script(), "/states/welcome/prompt", "Hi")),
            "script.states.welcome.prompt: unknown key (known: slots, intents, reprompt, fallback)");
  EXPECT_EQ(error_of(with(valid_script(), "/states/welcome/intents/1/keyword", json::array({"x"}))),
            "script.states.welcome.intents[1].keyword: unknown key (known: name, keywords, regex, requires, "
            "reply, next, tool, clear)");
  EXPECT_EQ(error_of(with(valid_script(), "/states/ask_day/slots/day/synonyms", json::object())),
            "script.states.ask_day.slots.day.synonyms: unknown key (known: values, regex, capitalize)");
  EXPECT_EQ(error_of(with(valid_script(), "/global_intents/0/tool/args", json::object())),
            "script.global_intents[0].tool.args: unknown key (known: name, arguments)");
}

TEST(ScriptParserTest, RefusesRegularExpressionsThatDoNotCompile) {
  EXPECT_THAT(error_of(with(valid_script(), "/states/welcome/intents/1/regex", "(open|hours")),
              StartsWith("script.states.welcome.intents[1].regex: "
                         "regular expression \"(open|hours\" does not compile: "));
  EXPECT_THAT(error_of(with(valid_script(), "/states/ask_day/slots/name/regex", "my name is [")),
              StartsWith("script.states.ask_day.slots.name.regex: "
                         "regular expression \"my name is [\" does not compile: "));
  EXPECT_EQ(error_of(with(valid_script(), "/states/welcome/intents/1/regex", "")),
            "script.states.welcome.intents[1].regex: must not be empty");
}

TEST(ScriptParserTest, RefusesTemplatesNamingUndeclaredSlots) {
  EXPECT_EQ(error_of(with(valid_script(), "/states/welcome/intents/0/reply", "Which {dya}?")),
            "script.states.welcome.intents[0].reply: \"{dya}\" names no declared slot (slots: day, name, time; "
            "also caller_number)");
  EXPECT_EQ(error_of(with(valid_script(), "/fallback", "Pardon, {nmae}?")),
            "script.fallback: \"{nmae}\" names no declared slot (slots: day, name, time; also caller_number)");
  EXPECT_EQ(error_of(with(valid_script(), "/states/ask_day/reprompt", "Which {day")),
            "script.states.ask_day.reprompt: \"{\" at character 7 is never closed (write \"{{\" for a literal brace)");
}

TEST(ScriptParserTest, RefusesRequiresAndClearNamingUndeclaredSlots) {
  EXPECT_EQ(error_of(with(valid_script(), "/states/ask_day/intents/0/requires", json::array({"day", "month"}))),
            "script.states.ask_day.intents[0].requires[1]: unknown slot \"month\" (slots: day, name, time)");
  EXPECT_EQ(error_of(with(valid_script(), "/global_intents/0/clear", json::array({"dya"}))),
            "script.global_intents[0].clear[0]: unknown slot \"dya\" (slots: day, name, time)");
}

TEST(ScriptParserTest, RefusesIntentsThatCannotMatchOrDoNothing) {
  json script = valid_script();
  script["states"]["welcome"]["intents"][1].erase("regex");
  EXPECT_EQ(error_of(script),
            "script.states.welcome.intents[1]: needs \"keywords\", \"regex\" or \"requires\" to say when it matches");
  EXPECT_EQ(error_of(without(valid_script(), "/states/welcome/intents/1/reply")),
            "script.states.welcome.intents[1]: needs a \"reply\" or a \"tool\": the caller must hear or see "
            "something happen");
  EXPECT_EQ(error_of(without(valid_script(), "/states/welcome/intents/1/name")),
            "script.states.welcome.intents[1].name: required: a name for logs");
  EXPECT_EQ(error_of(with(valid_script(), "/states/welcome/intents/0/keywords", json::array({"book", "?!"}))),
            "script.states.welcome.intents[0].keywords[1]: has no letters or digits to match: \"?!\"");
  EXPECT_EQ(error_of(with(valid_script(), "/states/welcome/intents/0/keywords", json::array())),
            "script.states.welcome.intents[0].keywords: must not be empty");
  EXPECT_EQ(error_of(with(valid_script(), "/global_intents/0/tool/name", "end call")),
            "script.global_intents[0].tool.name: a tool name holds only letters, digits, _ and -");
  EXPECT_EQ(error_of(with(valid_script(), "/global_intents/0/tool/arguments", "reason")),
            "script.global_intents[0].tool.arguments: expected an object, got \"reason\"");
}

TEST(ScriptParserTest, RefusesMalformedSlots) {
  EXPECT_EQ(error_of(with(valid_script(), "/states/ask_day/slots/day/regex", "(\\w+)")),
            "script.states.ask_day.slots.day: needs exactly one of \"values\" (a list of what the caller may say) "
            "and \"regex\"");
  EXPECT_EQ(error_of(with(valid_script(), "/states/ask_day/slots/day/values", json::array())),
            "script.states.ask_day.slots.day.values: must not be empty");
  EXPECT_EQ(error_of(with(valid_script(), "/states/ask_day/slots/day/values", json::array({"Monday", 3}))),
            "script.states.ask_day.slots.day.values[1]: expected a string, got 3");
  EXPECT_EQ(error_of(with(valid_script(), "/states/ask_day/slots/time/values/in the afternoon",
                          json::array({"after lunch", "Morning"}))),
            // Values are read in name order, so "in the afternoon" claims "morning" first.
            "script.states.ask_day.slots.time.values.in the morning[0]: \"morning\" already means "
            "\"in the afternoon\"");
  EXPECT_EQ(error_of(with(valid_script(), "/states/ask_day/slots/day/capitalize", true)),
            "script.states.ask_day.slots.day.capitalize: only for \"regex\" slots: a listed value is used as written");
  EXPECT_EQ(error_of(with(valid_script(), "/states/ask_day/slots/caller_number", json{{"regex", "(\\d+)"}})),
            "script.states.ask_day.slots.caller_number: caller_number is reserved for the caller's number");
  EXPECT_EQ(error_of(with(valid_script(), "/states/ask_day/slots/time-of-day", json{{"regex", "(\\d+)"}})),
            "script.states.ask_day.slots.time-of-day: a slot name holds only letters, digits and _");
}

TEST(ScriptParserTest, RefusesAMissingOrMalformedSkeleton) {
  EXPECT_EQ(error_of(json::array()), "script: expected a JSON object with \"start\" and \"states\", got []");
  EXPECT_EQ(error_of(without(valid_script(), "/start")), "script.start: required: the name of the first state");
  EXPECT_EQ(error_of(without(valid_script(), "/states")), "script.states: required: an object of states by name");
  EXPECT_EQ(error_of(with(valid_script(), "/states", json::object())), "script.states: must hold at least one state");
  EXPECT_EQ(error_of(with(valid_script(), "/states/wel come", json::object())),
            "script.states.wel come: a state name holds only letters, digits, _ and -");
  EXPECT_EQ(error_of(with(valid_script(), "/states/welcome/intents", json::object())),
            "script.states.welcome.intents: expected a list of intents, got {}");
  EXPECT_EQ(error_of(with(valid_script(), "/fallback", 3)), "script.fallback: expected a string, got 3");
}

TEST(ScriptParserTest, AnEmptyRootPathStartsErrorsAtTheFirstKey) {
  const auto result = parse_script(with(valid_script(), "/states/welcome/intents/0/next", "nowhere"), "");
  ASSERT_FALSE(result.is_ok());
  EXPECT_THAT(result.status().message(), StartsWith("states.welcome.intents[0].next: unknown state \"nowhere\""));
  EXPECT_EQ(parse_script(json(3), "").status().message(),
            "expected a JSON object with \"start\" and \"states\", got 3");
}

}  // namespace
}  // namespace callagent::plugins::scripted
