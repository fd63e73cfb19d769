#include "host/pipeline/call_factory.h"

#include <spdlog/spdlog.h>

namespace callagent::pipeline {

CallFactory::CallFactory(CallServices services, config::AgentConfig agent)
    : services_(std::move(services)), agent_(std::move(agent)) {}

config::AgentConfig CallFactory::agent_for(const config::AgentConfig& base, const nlohmann::json& overrides) {
  config::AgentConfig agent = base;
  if (!overrides.is_object()) return agent;
  auto text = [&](const char* key, std::string& target) {
    if (const auto found = overrides.find(key); found != overrides.end() && found->is_string()) {
      target = found->get<std::string>();
    }
  };
  text("initial_message", agent.initial_message);
  text("prompt_preamble", agent.prompt_preamble);
  text("goodbye_message", agent.goodbye_message);
  text("language", agent.language);
  std::string sensitivity = agent.interrupt_sensitivity;
  text("interrupt_sensitivity", sensitivity);
  if (sensitivity == "low" || sensitivity == "high") agent.interrupt_sensitivity = sensitivity;
  return agent;
}

Result<std::shared_ptr<telephony::MediaStreamReceiver>> CallFactory::start_call(
    const telephony::CallRecord& record, const twilio::StartMessage& start,
    std::shared_ptr<telephony::MediaStreamSender> sender) {
  auto call = Call::start(services_, agent_for(agent_, record.agent_overrides), record, start,
                          std::move(sender));
  if (!call) return call.status();
  std::shared_ptr<Call> started = std::move(call).value();
  {
    std::lock_guard lock(mutex_);
    std::erase_if(calls_, [](const auto& entry) { return entry.second.expired(); });
    calls_[record.conversation_id] = started;
  }
  return std::shared_ptr<telephony::MediaStreamReceiver>(std::move(started));
}

void CallFactory::end_all_calls(const std::string& reason) {
  std::lock_guard lock(mutex_);
  for (const auto& [id, weak] : calls_) {
    if (auto call = weak.lock()) call->request_end(reason);
  }
}

std::size_t CallFactory::live_calls() const {
  std::lock_guard lock(mutex_);
  std::size_t live = 0;
  for (const auto& [id, weak] : calls_) {
    if (auto call = weak.lock(); call && !call->finished()) ++live;
  }
  return live;
}

}  // namespace callagent::pipeline
