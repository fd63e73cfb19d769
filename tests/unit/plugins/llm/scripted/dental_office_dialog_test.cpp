// The sample script, config/scripts/dental_office.json, played turn by turn through the
// LlmSession interface the way the host plays it: the whole history in every request,
// replies collected from the listener, tools offered as the agent config says.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugins/llm/scripted/scripted_llm.h"
#include "plugins/llm/scripted/scripted_llm_session.h"
#include "tests/fakes/recording_logger.h"
#include "tests/unit/plugins/llm/scripted/recording_llm_listener.h"

namespace callagent::plugins::scripted {
namespace {

using testing::RecordingLlmListener;

// What the agent did in one turn.
struct Turn {
  std::string reply;
  std::vector<ToolCall> tool_calls;
  std::optional<FinishReason> finish;
};

// Plays the host's part for one call: keeps the history and sends it whole each turn.
// Everything runs on the test's thread (no token delay, so replies arrive inside generate()).
class DentalOfficeCall {
 public:
  explicit DentalOfficeCall(std::vector<std::string> offered_tools = {"end_call", "transfer_call"}) {
    const std::string config = nlohmann::json{{"script_file", DENTAL_OFFICE_SCRIPT_PATH}}.dump();
    auto provider = ScriptedLlmProvider::create(ProviderContext{config, logger_, ""});
    if (!provider) {
      ADD_FAILURE() << provider.status().message();
      return;
    }
    provider_ = std::move(provider).value();
    call_.from = "+15550002222";
    auto session = provider_->open_session(SessionContext{call_, logger_}, listener_);
    if (!session) {
      ADD_FAILURE() << session.status().message();
      return;
    }
    session_ = std::move(session).value();
    for (auto& name : offered_tools) tools_.push_back({std::move(name), "", R"({"type":"object"})"});
    history_.push_back({ChatRole::system, "You are the receptionist of Bright Smile Dental.", {}, {}});
    history_.push_back({ChatRole::assistant, "Thank you for calling Bright Smile Dental. How can I help?", {}, {}});
  }

  bool ready() const { return session_ != nullptr; }

  Turn say(const std::string& caller_text) {
    history_.push_back({ChatRole::user, caller_text, {}, {}});
    Turn turn = generate();
    history_.push_back({ChatRole::assistant, turn.reply, turn.tool_calls, {}});
    return turn;
  }

  // The host's answer to a tool call that did not end the call (a failed transfer).
  Turn tool_result(const ToolCall& call, const std::string& result) {
    history_.push_back({ChatRole::tool, result, {}, call.id});
    return generate();
  }

  std::string state() const {
    return dynamic_cast<const ScriptedLlmSession&>(*session_).dialog_for_testing().state_name();
  }
  SlotValues slots() const {
    return dynamic_cast<const ScriptedLlmSession&>(*session_).dialog_for_testing().slots();
  }

 private:
  Turn generate() {
    LlmRequest request;
    request.request_id = next_request_id_++;
    request.messages = history_;
    request.tools = tools_;
    EXPECT_TRUE(session_->generate(request).is_ok());
    return {listener_.text_of(request.request_id), listener_.tool_calls_of(request.request_id),
            listener_.finish_of(request.request_id)};
  }

  testing::RecordingLogger logger_;
  RecordingLlmListener listener_;
  CallInfo call_;
  std::unique_ptr<ScriptedLlmProvider> provider_;
  std::unique_ptr<LlmSession> session_;  // after the listener and provider: destroyed first
  std::vector<ToolDefinition> tools_;
  std::vector<ChatMessage> history_;
  std::uint64_t next_request_id_ = 1;
};

TEST(DentalOfficeDialogTest, BooksAnAppointmentAndHangsUp) {
  DentalOfficeCall call;
  ASSERT_TRUE(call.ready());
  EXPECT_EQ(call.state(), "welcome");

  Turn turn = call.say("I would like to book an appointment");
  EXPECT_EQ(turn.reply, "Sure. Which day would suit you? We are open Monday to Friday.");
  EXPECT_EQ(turn.finish, FinishReason::stop);
  EXPECT_EQ(call.state(), "ask_day");

  turn = call.say("Tuesday");
  EXPECT_EQ(turn.reply, "Tuesday works. Would you prefer the morning or the afternoon?");
  EXPECT_EQ(call.state(), "ask_time");

  turn = call.say("in the morning please");
  EXPECT_EQ(turn.reply, "Tuesday in the morning. And what name should I put the appointment under?");
  EXPECT_EQ(call.state(), "ask_name");

  turn = call.say("my name is John");
  EXPECT_EQ(turn.reply, "Thank you, John. That is Tuesday in the morning. Shall I book it?");
  EXPECT_EQ(call.state(), "confirm");
  EXPECT_EQ(call.slots(), (SlotValues{{"day", "Tuesday"}, {"name", "John"}, {"time", "in the morning"}}));

  turn = call.say("yes that is right");
  EXPECT_EQ(turn.reply, "You are booked for Tuesday in the morning, John. See you then. Goodbye!");
  ASSERT_EQ(turn.tool_calls.size(), 1u);
  EXPECT_EQ(turn.tool_calls[0].id, "call_1");
  EXPECT_EQ(turn.tool_calls[0].name, "end_call");
  EXPECT_EQ(nlohmann::json::parse(turn.tool_calls[0].arguments_json),
            (nlohmann::json{{"reason", "appointment booked"}}));
  EXPECT_EQ(turn.finish, FinishReason::tool_calls);
}

TEST(DentalOfficeDialogTest, WithoutEndCallOfferedTheFinalYesOnlySaysGoodbye) {
  DentalOfficeCall call(std::vector<std::string>{});
  ASSERT_TRUE(call.ready());
  call.say("I'd like to book an appointment.");
  call.say("Tuesday.");
  call.say("In the morning, please.");
  call.say("My name is John.");
  const Turn turn = call.say("Yes, that's right.");
  EXPECT_EQ(turn.reply, "You are booked for Tuesday in the morning, John. See you then. Goodbye!");
  EXPECT_TRUE(turn.tool_calls.empty());
  EXPECT_EQ(turn.finish, FinishReason::stop);
}

TEST(DentalOfficeDialogTest, DayAndTimeInTheFirstSentenceSkipAhead) {
  DentalOfficeCall call;
  ASSERT_TRUE(call.ready());
  EXPECT_EQ(call.say("I'd like to book a cleaning on Friday afternoon").reply,
            "Sure, Friday in the afternoon. What name should I put the appointment under?");
  EXPECT_EQ(call.state(), "ask_name");

  DentalOfficeCall other;
  EXPECT_EQ(other.say("can I make an appointment for Wednesday").reply,
            "Sure, Wednesday. Would you prefer the morning or the afternoon?");
  EXPECT_EQ(other.state(), "ask_time");
}

TEST(DentalOfficeDialogTest, SaysNoToStartOverWithTheSlotsForgotten) {
  DentalOfficeCall call;
  ASSERT_TRUE(call.ready());
  call.say("book an appointment");
  call.say("monday");
  call.say("afternoon");
  call.say("this is mary");
  ASSERT_EQ(call.state(), "confirm");

  Turn turn = call.say("no that is not right");
  EXPECT_EQ(turn.reply, "No problem. Which day would you like instead?");
  EXPECT_TRUE(turn.tool_calls.empty());
  EXPECT_EQ(call.state(), "ask_day");
  EXPECT_TRUE(call.slots().empty());

  // Forgotten slots are asked for again, not reused.
  EXPECT_EQ(call.say("um").reply, "Which day would you like? We are open Monday to Friday.");
  EXPECT_EQ(call.say("thursday morning").reply,
            "Thursday in the morning it is. What name should I put the appointment under?");
  EXPECT_EQ(call.say("Mary").reply, "Thank you, Mary. That is Thursday in the morning. Shall I book it?");
  turn = call.say("yes");
  EXPECT_EQ(turn.reply, "You are booked for Thursday in the morning, Mary. See you then. Goodbye!");
  ASSERT_EQ(turn.tool_calls.size(), 1u);
  EXPECT_EQ(turn.tool_calls[0].name, "end_call");
}

TEST(DentalOfficeDialogTest, GlobalIntentsWorkFromAnyStateAndKeepIt) {
  DentalOfficeCall call;
  ASSERT_TRUE(call.ready());
  EXPECT_EQ(call.say("what are your opening hours").reply,
            "We are open Monday to Friday, from eight in the morning to five in the afternoon.");
  EXPECT_EQ(call.state(), "welcome");

  call.say("book an appointment");
  call.say("Tuesday");
  ASSERT_EQ(call.state(), "ask_time");
  EXPECT_EQ(call.say("where are you located").reply,
            "We are at 42 Harbour Street, next to the library. There is free parking behind the building.");
  EXPECT_EQ(call.state(), "ask_time");
  EXPECT_EQ(call.say("what time do you close").reply,
            "We are open Monday to Friday, from eight in the morning to five in the afternoon.");
  EXPECT_EQ(call.state(), "ask_time");
  // The booking goes on where it was.
  EXPECT_EQ(call.say("afternoon").reply,
            "Tuesday in the afternoon. And what name should I put the appointment under?");
}

TEST(DentalOfficeDialogTest, AskingForAPersonTransfersFromAnyState) {
  DentalOfficeCall call;
  ASSERT_TRUE(call.ready());
  call.say("book an appointment");
  call.say("friday");
  call.say("morning");
  ASSERT_EQ(call.state(), "ask_name");
  // "receptionist" is kept out of the name on purpose, so the global intent hears it.
  Turn turn = call.say("receptionist");
  EXPECT_EQ(turn.reply, "Let me transfer you to our receptionist. One moment, please.");
  ASSERT_EQ(turn.tool_calls.size(), 1u);
  EXPECT_EQ(turn.tool_calls[0].name, "transfer_call");
  EXPECT_EQ(turn.finish, FinishReason::tool_calls);

  // The transfer failed: the host reports it, and the agent has nothing to add.
  turn = call.tool_result(turn.tool_calls[0], "transfers are not available on this line");
  EXPECT_EQ(turn.reply, "");
  EXPECT_TRUE(turn.tool_calls.empty());
  EXPECT_EQ(turn.finish, FinishReason::stop);
  EXPECT_EQ(call.state(), "ask_name");

  DentalOfficeCall other;
  turn = other.say("can I talk to a real person");
  ASSERT_EQ(turn.tool_calls.size(), 1u);
  EXPECT_EQ(turn.tool_calls[0].name, "transfer_call");
  EXPECT_EQ(nlohmann::json::parse(turn.tool_calls[0].arguments_json),
            (nlohmann::json{{"reason", "caller asked for a person"}}));

  DentalOfficeCall keypad;
  turn = keypad.say("[keypad: 0]");  // how the host passes keypad presses
  ASSERT_EQ(turn.tool_calls.size(), 1u);
  EXPECT_EQ(turn.tool_calls[0].name, "transfer_call");
}

TEST(DentalOfficeDialogTest, GoodbyeEndsTheCallFromAnyState) {
  DentalOfficeCall call;
  ASSERT_TRUE(call.ready());
  call.say("I want to book an appointment");
  Turn turn = call.say("goodbye");
  EXPECT_EQ(turn.reply, "Thank you for calling Bright Smile Dental. Goodbye!");
  ASSERT_EQ(turn.tool_calls.size(), 1u);
  EXPECT_EQ(turn.tool_calls[0].name, "end_call");
  EXPECT_EQ(turn.finish, FinishReason::tool_calls);

  DentalOfficeCall at_name;
  at_name.say("book");
  at_name.say("monday");
  at_name.say("morning");
  ASSERT_EQ(at_name.state(), "ask_name");
  turn = at_name.say("bye");
  ASSERT_EQ(turn.tool_calls.size(), 1u);  // not taken for a name
  EXPECT_EQ(turn.tool_calls[0].name, "end_call");
}

TEST(DentalOfficeDialogTest, FallbacksAndRepromptsWhenNothingMatches) {
  DentalOfficeCall call;
  ASSERT_TRUE(call.ready());
  // welcome: its own fallback.
  EXPECT_EQ(call.say("the weather is nice").reply,
            "Sorry, I did not catch that. Would you like to book an appointment?");
  EXPECT_EQ(call.say("yes").reply, "Great. Which day would suit you? We are open Monday to Friday.");
  ASSERT_EQ(call.state(), "ask_day");
  // ask_day: a slot is missing, so the reprompt.
  EXPECT_EQ(call.say("hmm let me think").reply, "Which day would you like? We are open Monday to Friday.");
  EXPECT_EQ(call.say("saturday").reply, "Sorry, we are closed at the weekend. Which weekday would suit you?");
  EXPECT_EQ(call.state(), "ask_day");
  call.say("wednesday");
  EXPECT_EQ(call.say("whenever").reply, "Would you prefer the morning or the afternoon?");
  call.say("after lunch");
  EXPECT_EQ(call.say("I do not know").reply,
            "Sorry, what name should I put the appointment under? You can say: my name is, and then your name.");
  call.say("it is anna");
  ASSERT_EQ(call.state(), "confirm");
  // confirm declares no slots: its fallback, with the slots filled in.
  EXPECT_EQ(call.say("maybe").reply, "Sorry, was that a yes or a no? Shall I book Wednesday in the afternoon?");
  EXPECT_EQ(call.state(), "confirm");
}

TEST(DentalOfficeDialogTest, SynonymsAndCorrectionsFillSlots) {
  DentalOfficeCall call;
  ASSERT_TRUE(call.ready());
  call.say("schedule a checkup");
  call.say("monday");
  // ask_time also listens for the day, so the caller can correct it.
  EXPECT_EQ(call.say("actually make it thursday, early please").reply,
            "Thursday in the morning. And what name should I put the appointment under?");
  EXPECT_EQ(call.say("I'm Bob").reply, "Thank you, Bob. That is Thursday in the morning. Shall I book it?");
}

TEST(DentalOfficeDialogTest, StartOverGoesBackToTheWelcome) {
  DentalOfficeCall call;
  ASSERT_TRUE(call.ready());
  call.say("book an appointment");
  call.say("tuesday");
  EXPECT_EQ(call.say("can we start over").reply,
            "No problem, let us start again. Would you like to book an appointment?");
  EXPECT_EQ(call.state(), "welcome");
  EXPECT_TRUE(call.slots().empty());
}

}  // namespace
}  // namespace callagent::plugins::scripted
