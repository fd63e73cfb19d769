#include "tools/bench/vendor_farm.h"

#include <stdexcept>

namespace callagent::bench {
namespace {

// Headroom for connections in flux (call churn, reconnects, the host's start-up warm-up).
constexpr double kHeadroom = 1.25;
constexpr int kSpareConnections = 16;

}  // namespace

int vendor_connection_limit(int calls) {
  return static_cast<int>(static_cast<double>(calls) * kHeadroom) + kSpareConnections;
}

VendorFarm::VendorFarm(const VendorDelays& delays, const std::vector<std::string>& caller_lines, int calls)
    : connection_limit_(vendor_connection_limit(calls)) {
  mock::FakeDeepgramOptions deepgram_options;
  deepgram_options.mode = mock::FakeDeepgramOptions::Mode::energy;
  deepgram_options.transcripts = caller_lines;
  deepgram_options.endpointing_ms = delays.endpointing_ms;
  deepgram_options.max_connections = connection_limit_;
  deepgram_ = std::make_unique<mock::FakeDeepgram>(deepgram_options);
  deepgram_->start();

  mock::FakeOpenAiSettings openai_settings;
  openai_settings.mode = "echo";
  openai_settings.first_token_delay_ms = delays.llm_first_token_ms;
  openai_settings.tokens_per_second = delays.llm_tokens_per_second;
  openai_settings.max_connections = connection_limit_;
  openai_settings.record_requests = false;  // a soak's requests would pile up in the bench
  openai_ = std::make_unique<mock::FakeOpenAi>(openai_settings);
  if (const Status started = openai_->start(); !started) {
    throw std::runtime_error("mock OpenAI did not start: " + started.message());
  }

  mock::FakeElevenLabsSettings elevenlabs_settings;
  elevenlabs_settings.first_audio_delay_ms = delays.tts_first_audio_ms;
  elevenlabs_settings.ms_per_character = delays.tts_ms_per_character;
  elevenlabs_settings.max_connections = connection_limit_;
  elevenlabs_settings.record_requests = false;
  elevenlabs_ = std::make_unique<mock::FakeElevenLabs>(elevenlabs_settings);
}

VendorFarm::~VendorFarm() {
  deepgram_->stop();
  openai_->stop();
}

std::string VendorFarm::deepgram_base_url() const { return deepgram_->base_url(); }
std::string VendorFarm::openai_base_url() const { return openai_->base_url(); }
std::string VendorFarm::elevenlabs_base_url() const { return elevenlabs_->base_url(); }
std::string VendorFarm::deepgram_api_key() const { return mock::FakeDeepgramOptions{}.api_key; }
std::string VendorFarm::openai_api_key() const { return openai_->settings().api_key; }
std::string VendorFarm::elevenlabs_api_key() const { return mock::FakeElevenLabsSettings{}.api_key; }

std::int64_t VendorFarm::deepgram_audio_messages() const { return deepgram_->audio_messages(); }

}  // namespace callagent::bench
