#include "host/metrics/call_metrics.h"

namespace callagent::metrics {

CallMetrics::CallMetrics(Registry& registry, PipelinePluginNames plugins,
                         std::span<const std::string_view> end_reasons)
    : stt_final_ms(registry.histogram("callagent_stt_final_latency_milliseconds",
                                      "Per turn: from the end of the caller's speech to the STT's final transcript.",
                                      kLatencyBucketsMs)),
      llm_first_token_ms(registry.histogram("callagent_llm_first_token_latency_milliseconds",
                                            "Per turn: from the LLM request to its first token.", kLatencyBucketsMs)),
      tts_first_audio_ms(registry.histogram("callagent_tts_first_audio_latency_milliseconds",
                                            "Per turn: from the first TTS request to its first audio.",
                                            kLatencyBucketsMs)),
      voice_to_voice_ms(registry.histogram("callagent_voice_to_voice_latency_milliseconds",
                                           "Per turn: from the end of the caller's speech to the first agent audio "
                                           "sent to Twilio.",
                                           kLatencyBucketsMs)),
      barge_in_reaction_ms(registry.histogram("callagent_barge_in_reaction_latency_milliseconds",
                                              "Per barge-in: from the speech event reaching the call to the clear "
                                              "sent to Twilio.",
                                              kLatencyBucketsMs)),
      plugins_(std::move(plugins)),
      calls_started_(registry.counter("callagent_calls_started_total", "Calls whose conversation started.")),
      calls_ended_(registry.counter_family("callagent_calls_ended_total", "Calls that ended, by reason.", {"reason"})),
      provider_errors_(registry.counter_family("callagent_provider_errors_total",
                                               "Errors the pipeline's providers reported to calls (and the host's "
                                               "first-token / first-audio timeouts), by plugin and error code.",
                                               {"plugin", "code"})) {
  for (const std::string_view reason : end_reasons) calls_ended_.labels({reason});
}

void CallMetrics::call_ended(std::string_view reason) const noexcept {
  try {
    calls_ended_.labels({reason}).increment();
  } catch (...) {
    // Out of memory creating a label: the count is lost, the call is unaffected.
  }
}

void CallMetrics::provider_error(PluginKind kind, ErrorCode code) const noexcept {
  const std::string* plugin = &plugins_.stt;
  if (kind == PluginKind::llm) plugin = &plugins_.llm;
  if (kind == PluginKind::tts) plugin = &plugins_.tts;
  try {
    provider_errors_.labels({*plugin, to_string(code)}).increment();
  } catch (...) {
  }
}

}  // namespace callagent::metrics
