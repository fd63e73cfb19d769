// What the call pipeline counts and times, as metrics:
//   callagent_calls_started_total, callagent_calls_ended_total{reason},
//   callagent_provider_errors_total{plugin,code} (each on_error a Call receives, plus the
//   host's own first-token / first-audio timeouts),
//   and per-turn latency histograms in milliseconds (see Call::publish_turn_metrics):
//   callagent_stt_final_latency_milliseconds        caller speech end → STT final
//   callagent_llm_first_token_latency_milliseconds  LLM request → first token
//   callagent_tts_first_audio_latency_milliseconds  first TTS request → first audio
//   callagent_voice_to_voice_latency_milliseconds   caller speech end → first agent audio sent
//   callagent_barge_in_reaction_latency_milliseconds speech event received → clear sent
//
// Ownership: the families live in the registry; one CallMetrics per host, shared by
// every call (CallServices::metrics). Threading: thread-safe. Histogram observations and
// call_started() are lock-free; call_ended() and provider_error() look a child up under
// the family's shared lock (once per call / per error, never per frame).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "callagent/plugin_api/provider.h"
#include "callagent/plugin_api/status.h"
#include "host/metrics/registry.h"

namespace callagent::metrics {

// The plugin behind each pipeline kind, for the `plugin` label.
struct PipelinePluginNames {
  std::string stt = "stt";
  std::string llm = "llm";
  std::string tts = "tts";
};

class CallMetrics {
 public:
  // `end_reasons`: every reason a call can end with, created up front so each series
  // exists (at 0) before its first call.
  CallMetrics(Registry& registry, PipelinePluginNames plugins, std::span<const std::string_view> end_reasons);

  void call_started() const noexcept { calls_started_.increment(); }
  void call_ended(std::string_view reason) const noexcept;
  void provider_error(PluginKind kind, ErrorCode code) const noexcept;

  Histogram& stt_final_ms;
  Histogram& llm_first_token_ms;
  Histogram& tts_first_audio_ms;
  Histogram& voice_to_voice_ms;
  Histogram& barge_in_reaction_ms;

 private:
  const PipelinePluginNames plugins_;
  Counter& calls_started_;
  Family<Counter>& calls_ended_;
  Family<Counter>& provider_errors_;
};

}  // namespace callagent::metrics
