// Hands call events to every configured event sink (transcript store, metrics, webhooks).
// Sinks only queue (EventSink::publish must not block), so publishing from a call's
// strand is cheap.
//
// Ownership: shares the sinks with the provider set. Threading: thread-safe.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "callagent/plugin_api/event_sink.h"

namespace callagent::pipeline {

class EventPublisher {
 public:
  explicit EventPublisher(std::vector<std::shared_ptr<EventSink>> sinks);

  void publish(std::string_view type, std::string_view conversation_id,
               const nlohmann::json& payload) const;

 private:
  std::vector<std::shared_ptr<EventSink>> sinks_;
};

}  // namespace callagent::pipeline
