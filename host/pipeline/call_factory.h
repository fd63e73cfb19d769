// Starts a Call for each Media Stream that reaches `start`, with the agent config plus the
// call's own overrides (POST /calls), and keeps track of the live calls so a drain can
// ask each to say goodbye.
//
// Ownership: holds weak references to live calls (the connections own them).
// Threading: start_call runs on connection threads, concurrently; the rest from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "host/config/host_config.h"
#include "host/pipeline/call.h"
#include "host/telephony/media_stream_port.h"

namespace callagent::pipeline {

class CallFactory final : public telephony::CallStarter {
 public:
  CallFactory(CallServices services, config::AgentConfig agent);

  Result<std::shared_ptr<telephony::MediaStreamReceiver>> start_call(
      const telephony::CallRecord& record, const twilio::StartMessage& start,
      std::shared_ptr<telephony::MediaStreamSender> sender) override;

  // Asks every live call to end (closing line, then hang-up) with `reason`.
  void end_all_calls(const std::string& reason);
  std::size_t live_calls() const;

  // The agent config with a call's overrides applied (unknown keys were refused by the API).
  static config::AgentConfig agent_for(const config::AgentConfig& base, const nlohmann::json& overrides);

 private:
  CallServices services_;
  config::AgentConfig agent_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<Call>> calls_;
};

}  // namespace callagent::pipeline
