#include "tests/integration/vendors/vendor_fakes.h"

#include <stdexcept>

namespace callagent::testing {
namespace {

mock::FakeDeepgramOptions deepgram_options(const std::vector<std::string>& caller_lines) {
  mock::FakeDeepgramOptions options;
  options.mode = mock::FakeDeepgramOptions::Mode::energy;
  options.transcripts = caller_lines;
  options.endpointing_ms = 300;
  return options;
}

// 40 ms of audio per character: replies last long enough to barge in on.
mock::FakeElevenLabsSettings elevenlabs_settings() {
  mock::FakeElevenLabsSettings settings;
  settings.ms_per_character = 40;
  return settings;
}

}  // namespace

VendorFakes::VendorFakes(const std::vector<std::string>& caller_lines)
    : deepgram(deepgram_options(caller_lines)), elevenlabs(elevenlabs_settings()) {
  deepgram.start();
  if (const Status started = openai.start(); !started) {
    throw std::runtime_error("fake OpenAI did not start: " + started.message());
  }
}

nlohmann::json VendorFakes::host_config(const TemporaryDirectory& directory) const {
  const mock::FakeDeepgramOptions deepgram_defaults;
  const mock::FakeElevenLabsSettings elevenlabs_defaults;
  return {
      {"server", nlohmann::json::object()},
      {"twilio", nlohmann::json::object()},
      {"providers",
       {{"stt",
         {{"plugin", "stt_deepgram"},
          {"config", {{"api_key", deepgram_defaults.api_key}, {"base_url", deepgram.base_url()},
                      {"endpointing", 300}}}}},
        {"llm",
         {{"plugin", "llm_openai"},
          {"config", {{"api_key", openai.settings().api_key}, {"base_url", openai.base_url()},
                      {"model", "gpt-4o-mini"}, {"first_token_timeout_ms", 3000}, {"max_retries", 1}}}}},
        {"tts",
         {{"plugin", "tts_elevenlabs"},
          {"config", {{"api_key", elevenlabs_defaults.api_key}, {"base_url", elevenlabs.base_url()}}}}},
        {"state", {{"plugin", "state_memory"}}},
        {"events",
         {{{"plugin", "events_jsonfile"},
           {"config", {{"directory", directory.path() + "/transcripts"}, {"fsync", false}}}}}}}},
      {"agent", {{"initial_message", "Hello, how can I help?"}, {"llm_first_token_timeout_ms", 4000}}}};
}

}  // namespace callagent::testing
