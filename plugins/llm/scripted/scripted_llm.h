// llm_scripted: a rule-based agent for IVR-style phone flows, written as a JSON script of
// states, slots and intents (config/scripts/README.md), that the host drives exactly like
// a streaming language model. No network, no model files; the same words always get the
// same answer.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>

#include "callagent/plugin_api.h"
#include "script_model.h"

namespace callagent::plugins::scripted {

// Thread-safe: its state is the immutable script and delay, shared by every session.
class ScriptedLlmProvider final : public LlmProvider {
 public:
  // Config: scripted_llm_config.h. Reads the script file, if one is named, and checks
  // the script; creates nothing.
  static Status validate_config(std::string_view config_json);
  // Logs one line through `context.logger` and keeps no reference to the context.
  static Result<std::unique_ptr<ScriptedLlmProvider>> create(const ProviderContext& context);

  ScriptedLlmProvider(std::shared_ptr<const Script> script, std::chrono::milliseconds token_delay);

  Result<std::unique_ptr<LlmSession>> open_session(const SessionContext& context,
                                                   LlmListener& listener) noexcept override;

 private:
  const std::shared_ptr<const Script> script_;
  const std::chrono::milliseconds token_delay_;
};

}  // namespace callagent::plugins::scripted
