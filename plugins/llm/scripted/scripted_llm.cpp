#include "scripted_llm.h"

#include <algorithm>
#include <exception>
#include <iterator>
#include <set>
#include <string>
#include <utility>

#include "scripted_llm_config.h"
#include "scripted_llm_session.h"

namespace callagent::plugins::scripted {
namespace {

// The tools the host knows today (host/pipeline/call_tools.h). The plugin does not refuse
// others — a newer host may offer more — but a typo would silently never fire, so it warns.
constexpr std::string_view kHostTools[] = {"end_call", "transfer_call", "send_dtmf"};

void warn_about_unknown_tools(const Script& script, Logger& logger) {
  std::set<std::string> unknown;
  const auto check = [&](const std::vector<Intent>& intents) {
    for (const Intent& intent : intents) {
      if (!intent.tool) continue;
      if (std::find(std::begin(kHostTools), std::end(kHostTools), intent.tool->name) == std::end(kHostTools)) {
        unknown.insert(intent.tool->name);
      }
    }
  };
  for (const auto& [name, state] : script.states) check(state.intents);
  check(script.global_intents);
  for (const std::string& name : unknown) {
    logger.warn("the script calls tool \"" + name +
                "\", which this host does not know (end_call, transfer_call, send_dtmf); it is called only "
                "if a request offers it");
  }
}

}  // namespace

Status ScriptedLlmProvider::validate_config(std::string_view config_json) {
  return load_scripted_llm_config(config_json).status();
}

Result<std::unique_ptr<ScriptedLlmProvider>> ScriptedLlmProvider::create(const ProviderContext& context) {
  auto loaded = load_scripted_llm_config(context.config_json);
  if (!loaded) return loaded.status();
  ScriptedLlmConfig& config = loaded.value();
  warn_about_unknown_tools(*config.script, context.logger);
  context.logger.info(config.script_origin + ": " + std::to_string(config.script->states.size()) +
                      " states, starting in " + config.script->start_state + "; " +
                      std::to_string(config.token_delay.count()) + " ms between streamed words");
  return std::make_unique<ScriptedLlmProvider>(std::move(config.script), config.token_delay);
}

ScriptedLlmProvider::ScriptedLlmProvider(std::shared_ptr<const Script> script, std::chrono::milliseconds token_delay)
    : script_(std::move(script)), token_delay_(token_delay) {}

Result<std::unique_ptr<LlmSession>> ScriptedLlmProvider::open_session(const SessionContext& context,
                                                                      LlmListener& listener) noexcept {
  try {
    auto session = std::make_unique<ScriptedLlmSession>(script_, token_delay_, context.call, listener, context.logger);
    context.logger.info("session open in state " + script_->start_state);
    return std::unique_ptr<LlmSession>(std::move(session));
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("llm_scripted: ") + error.what());
  }
}

}  // namespace callagent::plugins::scripted
