#include "host/telephony/telephony_metrics.h"

#include <string>
#include <utility>
#include <vector>

#include "host/twilio/media_stream_messages.h"

namespace callagent::telephony {
namespace {

using metrics::MetricType;
using metrics::Sample;

double read(const std::atomic<std::uint64_t>& counter) {
  return static_cast<double>(counter.load(std::memory_order_relaxed));
}

// One labelled sample per (label value, counter).
metrics::SampleFunction labelled(std::vector<std::pair<std::string, const std::atomic<std::uint64_t>*>> sources) {
  return [sources = std::move(sources)] {
    std::vector<Sample> samples;
    samples.reserve(sources.size());
    for (const auto& [label, counter] : sources) samples.push_back({{label}, read(*counter)});
    return samples;
  };
}

metrics::SampleFunction single(const std::atomic<std::uint64_t>& counter) {
  return [&counter] { return std::vector<Sample>{{{}, read(counter)}}; };
}

}  // namespace

void register_telephony_metrics(metrics::Registry& registry, const TelephonyCounters& counters,
                                const CallCapacity& capacity) {
  registry.add_callback("callagent_webhooks_total", "Voice webhooks answered, by outcome.", MetricType::counter,
                        {"outcome"},
                        labelled({{"answered", &counters.webhooks_answered},
                                  {"busy", &counters.webhooks_busy},
                                  {"signature_missing", &counters.webhooks_signature_missing},
                                  {"signature_invalid", &counters.webhooks_signature_invalid},
                                  {"state_store_failed", &counters.webhooks_state_store_failed},
                                  {"unavailable", &counters.webhooks_unavailable},
                                  {"unknown_conversation", &counters.webhooks_unknown_conversation}}));
  registry.add_callback("callagent_streams_total", "Media Stream WebSocket requests, by outcome.",
                        MetricType::counter, {"outcome"},
                        labelled({{"opened", &counters.streams_opened}, {"refused", &counters.streams_refused}}));
  registry.add_callback("callagent_streams_closed_for_bad_frames_total",
                        "Media Streams closed (1008) for too many bad frames.", MetricType::counter, {},
                        single(counters.streams_closed_for_garbage));
  registry.add_callback("callagent_websocket_frames_received_total",
                        "Data frames received on Media Stream WebSockets.", MetricType::counter, {},
                        single(counters.frames_received));
  registry.add_callback("callagent_websocket_frames_sent_total", "Frames sent on Media Stream WebSockets.",
                        MetricType::counter, {}, single(counters.frames_sent));
  std::vector<std::pair<std::string, const std::atomic<std::uint64_t>*>> bad_frames;
  for (const auto problem : {twilio::FrameProblem::not_json, twilio::FrameProblem::unknown_event,
                             twilio::FrameProblem::missing_field, twilio::FrameProblem::bad_base64,
                             twilio::FrameProblem::bad_number}) {
    bad_frames.emplace_back(std::string(twilio::to_string(problem)),
                            &counters.bad_frames[static_cast<std::size_t>(problem)]);
  }
  bad_frames.emplace_back("too_large", &counters.bad_frames[kOversizedFrameSlot]);
  bad_frames.emplace_back("too_fast", &counters.bad_frames[kTooFastFrameSlot]);
  registry.add_callback("callagent_websocket_bad_frames_total",
                        "Media Stream frames dropped as bad, by problem.", MetricType::counter, {"problem"},
                        labelled(std::move(bad_frames)));
  registry.add_callback("callagent_media_silence_filled_milliseconds_total",
                        "Caller audio gaps filled with silence (media timestamps that jumped).",
                        MetricType::counter, {}, single(counters.silence_filled_ms));

  registry.add_callback("callagent_active_calls", "Calls with a live Media Stream on this host.", MetricType::gauge,
                        {}, [&capacity] {
                          return std::vector<Sample>{{{}, static_cast<double>(capacity.live_calls())}};
                        });
  registry.add_callback("callagent_reserved_calls",
                        "Webhooks answered whose stream has not arrived yet (they hold a slot).", MetricType::gauge,
                        {}, [&capacity] {
                          return std::vector<Sample>{{{}, static_cast<double>(capacity.reserved_calls())}};
                        });
  registry.add_callback("callagent_max_calls", "Calls this host accepts at once (server.max_calls).",
                        MetricType::gauge, {}, [&capacity] {
                          return std::vector<Sample>{{{}, static_cast<double>(capacity.max_calls())}};
                        });
  registry.add_callback("callagent_draining", "1 while the host refuses new calls (shutdown drain).",
                        MetricType::gauge, {}, [&capacity] {
                          return std::vector<Sample>{{{}, capacity.closed_for_new_calls() ? 1.0 : 0.0}};
                        });
}

}  // namespace callagent::telephony
