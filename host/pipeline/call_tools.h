// The functions the agent's language model may call, as declared in agent.tools:
//   end_call      hang up (after the agent's closing words have played)
//   transfer_call transfer to agent.transfer_phone_number through Twilio's REST API
//   send_dtmf     play keypad tones into the call (to navigate another IVR)
//
// Threading: pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/llm.h"

namespace callagent::pipeline {

inline constexpr std::string_view kEndCallTool = "end_call";
inline constexpr std::string_view kTransferCallTool = "transfer_call";
inline constexpr std::string_view kSendDtmfTool = "send_dtmf";

bool is_known_tool(std::string_view name);

// Definitions (name, description, JSON Schema of the arguments) for the enabled tools.
std::vector<ToolDefinition> tool_definitions(const std::vector<std::string>& enabled_tools);

}  // namespace callagent::pipeline
