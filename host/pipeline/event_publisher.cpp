#include "host/pipeline/event_publisher.h"

#include <chrono>

namespace callagent::pipeline {

EventPublisher::EventPublisher(std::vector<std::shared_ptr<EventSink>> sinks)
    : sinks_(std::move(sinks)) {}

void EventPublisher::publish(std::string_view type, std::string_view conversation_id,
                             const nlohmann::json& payload) const {
  if (sinks_.empty()) return;
  // Replace invalid UTF-8 (a vendor's bad transcript) rather than throw.
  const std::string payload_text =
      payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const Event event{type, conversation_id, now_ms, payload_text};
  for (const auto& sink : sinks_) sink->publish(event);
}

}  // namespace callagent::pipeline
