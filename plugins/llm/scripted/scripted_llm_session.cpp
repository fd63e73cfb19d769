#include "scripted_llm_session.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "word_deltas.h"

namespace callagent::plugins::scripted {
namespace {

bool offers_tool(const LlmRequest& request, std::string_view name) {
  return std::any_of(request.tools.begin(), request.tools.end(),
                     [name](const ToolDefinition& tool) { return tool.name == name; });
}

std::string_view role_name(ChatRole role) {
  switch (role) {
    case ChatRole::system: return "system";
    case ChatRole::user: return "user";
    case ChatRole::assistant: return "assistant";
    case ChatRole::tool: return "tool";
  }
  return "unknown";
}

std::string describe_slots(const SlotValues& slots) {
  if (slots.empty()) return "none";
  std::string text;
  for (const auto& [name, value] : slots) {
    if (!text.empty()) text += ", ";
    text += name + "=" + value;
  }
  return text;
}

}  // namespace

ScriptedLlmSession::ScriptedLlmSession(std::shared_ptr<const Script> script, std::chrono::milliseconds token_delay,
                                       const CallInfo& call, LlmListener& listener, Logger& logger)
    : listener_(listener),
      logger_(logger),
      dialog_(std::move(script), call.from),
      player_(token_delay > std::chrono::milliseconds::zero()
                  ? std::make_unique<PacedReplyPlayer>(listener, token_delay)
                  : nullptr) {}

ScriptedLlmSession::~ScriptedLlmSession() {
  player_.reset();  // joins the worker before the log line, which then is the session's last word
  logger_.info("session closed in state " + dialog_.state_name());
}

Status ScriptedLlmSession::generate(const LlmRequest& request) noexcept {
  try {
    PlannedReply reply = plan_reply(request);
    if (player_) {
      player_->play(std::move(reply));
    } else {
      send_reply_now(reply, listener_);
    }
    return Status::ok();
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("llm_scripted: ") + error.what());
  }
}

void ScriptedLlmSession::cancel(std::uint64_t request_id) noexcept {
  if (player_) player_->cancel(request_id);
}

PlannedReply ScriptedLlmSession::plan_reply(const LlmRequest& request) {
  PlannedReply reply;
  reply.request_id = request.request_id;
  const std::string id_text = "request " + std::to_string(request.request_id);
  if (request.messages.empty() || request.messages.back().role != ChatRole::user) {
    // After a tool result (a failed transfer, say) the script has nothing new to hear.
    logger_.debug(id_text + ": the history ends with " +
                  (request.messages.empty() ? std::string("nothing")
                                            : "a " + std::string(role_name(request.messages.back().role)) +
                                                  " message") +
                  ", not the caller's words: nothing to say");
    return reply;
  }

  const std::string from_state = dialog_.state_name();
  Dialog::Answer answer = dialog_.answer(request.messages.back().content);
  std::string tool_note;
  if (answer.tool) {
    if (offers_tool(request, answer.tool->name)) {
      reply.tool_call = ToolCall{"call_" + std::to_string(++tool_calls_made_), answer.tool->name,
                                 answer.tool->arguments_json};
      tool_note = "; calls " + answer.tool->name;
    } else {
      tool_note = "; would call " + answer.tool->name + ", which this call does not offer";
    }
  }
  reply.deltas = word_deltas(answer.reply);
  if (logger_.enabled(LogLevel::debug)) {
    logger_.debug(id_text + " in state " + from_state + ", caller said \"" + request.messages.back().content +
                  "\": " + answer.reason + tool_note + "; now in state " + dialog_.state_name() +
                  " with slots " + describe_slots(dialog_.slots()));
  }
  return reply;
}

}  // namespace callagent::plugins::scripted
