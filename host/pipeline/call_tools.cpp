#include "host/pipeline/call_tools.h"

namespace callagent::pipeline {

bool is_known_tool(std::string_view name) {
  return name == kEndCallTool || name == kTransferCallTool || name == kSendDtmfTool;
}

std::vector<ToolDefinition> tool_definitions(const std::vector<std::string>& enabled_tools) {
  std::vector<ToolDefinition> definitions;
  for (const auto& name : enabled_tools) {
    if (name == kEndCallTool) {
      definitions.push_back(
          {std::string(kEndCallTool),
           "End the phone call. Say goodbye first in the same reply; the call ends once it has "
           "been heard.",
           R"({"type":"object","properties":{"reason":{"type":"string","description":"why the call ends"}}})"});
    } else if (name == kTransferCallTool) {
      definitions.push_back(
          {std::string(kTransferCallTool),
           "Transfer the caller to a human colleague. Tell the caller first in the same reply.",
           R"({"type":"object","properties":{"reason":{"type":"string"}}})"});
    } else if (name == kSendDtmfTool) {
      definitions.push_back(
          {std::string(kSendDtmfTool),
           "Press keys on the phone keypad, e.g. to navigate an automated menu.",
           R"({"type":"object","properties":{"digits":{"type":"string","description":"0-9, * and #; w pauses half a second"}},"required":["digits"]})"});
    }
  }
  return definitions;
}

}  // namespace callagent::pipeline
