#include "tools/bench/bench_host_config.h"

#include <algorithm>

namespace callagent::bench {

nlohmann::json make_host_config(const BenchOptions& options, const VendorFarm& vendors, std::uint16_t port,
                                const std::string& transcripts_dir) {
  const std::string base_url = "http://127.0.0.1:" + std::to_string(port);
  // A slot's next call can dial before the host has released the previous one: room for both.
  const int max_calls = options.calls * 2 + 10;
  return {
      {"server",
       {{"port", port},
        {"bind", "127.0.0.1"},
        {"base_url", base_url},
        {"http_threads", options.http_threads},
        {"worker_threads", options.worker_threads},
        {"stream_threads", options.stream_threads},
        {"max_calls", max_calls},
        {"max_queued_connections", std::max(256, options.calls * 2)},
        {"shutdown_timeout_seconds", 5},
        {"finished_call_retention_seconds", options.finished_call_retention_seconds},
        {"api_token", kBenchApiToken}}},
      {"twilio", {{"auth_token", kBenchAuthToken}}},
      {"providers",
       {{"stt",
         {{"plugin", "stt_deepgram"},
          {"config",
           {{"api_key", vendors.deepgram_api_key()},
            {"base_url", vendors.deepgram_base_url()},
            {"endpointing", options.endpointing_ms}}}}},
        {"llm",
         {{"plugin", "llm_openai"},
          {"config",
           {{"api_key", vendors.openai_api_key()},
            {"base_url", vendors.openai_base_url()},
            {"model", "gpt-4o-mini"},
            {"max_retries", 1}}}}},
        {"tts",
         {{"plugin", "tts_elevenlabs"},
          {"config", {{"api_key", vendors.elevenlabs_api_key()}, {"base_url", vendors.elevenlabs_base_url()}}}}},
        {"state", options.state == "memory"
                      ? nlohmann::json{{"plugin", "state_memory"}}
                      : nlohmann::json{{"plugin", "state_redis"}, {"config", {{"url", options.state}}}}},
        {"events",
         {{{"plugin", "events_jsonfile"},
           {"config", {{"directory", transcripts_dir}, {"fsync", false}, {"write_events", options.turn_metrics}}}}}}}},
      {"agent",
       {{"initial_message", "Hello, thanks for calling. How can I help you today?"},
        {"interrupt_sensitivity", options.interrupt_sensitivity},
        {"stt_batch_ms", options.stt_batch_ms},
        {"allowed_idle_time_seconds", 60},
        {"llm_first_token_timeout_ms", 8000},
        {"tts_first_audio_timeout_ms", 5000}}}};
}

}  // namespace callagent::bench
