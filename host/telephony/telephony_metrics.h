// Exposes the Twilio-facing side on /metrics: TelephonyCounters (webhooks by outcome,
// streams, WebSocket frames, bad frames by problem, filled silence) and CallCapacity
// (active calls, reservations, max_calls, draining), read at scrape time.
//
// Names: callagent_webhooks_total{outcome}, callagent_streams_total{outcome},
// callagent_streams_closed_for_bad_frames_total, callagent_websocket_frames_received_total,
// callagent_websocket_frames_sent_total, callagent_websocket_bad_frames_total{problem},
// callagent_media_silence_filled_milliseconds_total, callagent_active_calls,
// callagent_reserved_calls, callagent_max_calls, callagent_draining.
//
// Lifetime: `counters` and `capacity` must outlive every scrape of `registry` (both are
// owned by CallService, which is destroyed after the HTTP server stops).
#pragma once

#include "host/metrics/registry.h"
#include "host/telephony/call_capacity.h"
#include "host/telephony/telephony_counters.h"

namespace callagent::telephony {

void register_telephony_metrics(metrics::Registry& registry, const TelephonyCounters& counters,
                                const CallCapacity& capacity);

}  // namespace callagent::telephony
