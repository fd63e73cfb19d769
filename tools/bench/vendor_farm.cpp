#include "tools/bench/vendor_farm.h"

#include <algorithm>

#include <Poco/ThreadPool.h>

#include <stdexcept>

namespace callagent::bench {
namespace {

// Connections one instance takes at once (its Poco max threads: Deepgram 32, OpenAI 32),
// kept below the limit: a call's connection can outlive it briefly, and a cancelled LLM
// request is replaced by a new connection. The ElevenLabs mock takes a connection limit
// (max_connections), so one instance serves every call.
constexpr int kDeepgramPerShard = 24;
constexpr int kOpenAiPerShard = 24;
constexpr int kDeepgramThreads = 32;
// Headroom for connections in flux (call churn, reconnects, the host's start-up warm-up).
constexpr double kHeadroom = 1.25;

int shards_for(int calls, int per_shard) {
  const double needed = static_cast<double>(calls) * kHeadroom + 4;
  return std::max(1, static_cast<int>((needed + per_shard - 1) / per_shard));
}

std::unique_ptr<TcpBalancer> balancer_for(const std::vector<std::uint16_t>& ports) {
  if (ports.size() < 2) return nullptr;
  auto balancer = std::make_unique<TcpBalancer>(ports);
  if (const std::string error = balancer->start(); !error.empty()) throw std::runtime_error(error);
  return balancer;
}

}  // namespace

VendorShardCounts shards_for_calls(int calls) {
  return {shards_for(calls, kDeepgramPerShard), shards_for(calls, kOpenAiPerShard), 1};
}

VendorFarm::VendorFarm(const VendorDelays& delays, const std::vector<std::string>& caller_lines, int calls)
    : shards_(shards_for_calls(calls)) {
  // The Deepgram mock serves from Poco's default thread pool (16 threads unless told
  // otherwise): give it room for every shard's connections.
  Poco::ThreadPool::defaultPool().addCapacity(shards_.deepgram * kDeepgramThreads);

  mock::FakeDeepgramOptions deepgram_options;
  deepgram_options.mode = mock::FakeDeepgramOptions::Mode::energy;
  deepgram_options.transcripts = caller_lines;
  deepgram_options.endpointing_ms = delays.endpointing_ms;
  std::vector<std::uint16_t> ports;
  for (int index = 0; index < shards_.deepgram; ++index) {
    auto fake = std::make_unique<mock::FakeDeepgram>(deepgram_options);
    fake->start();
    ports.push_back(fake->port());
    deepgram_.push_back(std::move(fake));
  }
  deepgram_balancer_ = balancer_for(ports);

  mock::FakeOpenAiSettings openai_settings;
  openai_settings.mode = "echo";
  openai_settings.first_token_delay_ms = delays.llm_first_token_ms;
  openai_settings.tokens_per_second = delays.llm_tokens_per_second;
  ports.clear();
  for (int index = 0; index < shards_.openai; ++index) {
    auto fake = std::make_unique<mock::FakeOpenAi>(openai_settings);
    if (const Status started = fake->start(); !started) {
      throw std::runtime_error("mock OpenAI did not start: " + started.message());
    }
    ports.push_back(fake->port());
    openai_.push_back(std::move(fake));
  }
  openai_balancer_ = balancer_for(ports);

  mock::FakeElevenLabsSettings elevenlabs_settings;
  elevenlabs_settings.first_audio_delay_ms = delays.tts_first_audio_ms;
  elevenlabs_settings.ms_per_character = delays.tts_ms_per_character;
  elevenlabs_settings.max_connections = static_cast<int>(calls * kHeadroom) + 16;
  ports.clear();
  for (int index = 0; index < shards_.elevenlabs; ++index) {
    auto fake = std::make_unique<mock::FakeElevenLabs>(elevenlabs_settings);
    ports.push_back(fake->port());
    elevenlabs_.push_back(std::move(fake));
  }
  elevenlabs_balancer_ = balancer_for(ports);
}

VendorFarm::~VendorFarm() {
  // Balancers first, so the mocks see their connections end; then the mocks.
  if (deepgram_balancer_) deepgram_balancer_->stop();
  if (openai_balancer_) openai_balancer_->stop();
  if (elevenlabs_balancer_) elevenlabs_balancer_->stop();
  for (auto& fake : deepgram_) fake->stop();
  for (auto& fake : openai_) fake->stop();
}

std::string VendorFarm::deepgram_base_url() const {
  return deepgram_balancer_ ? "ws://127.0.0.1:" + std::to_string(deepgram_balancer_->port())
                            : deepgram_.front()->base_url();
}

std::string VendorFarm::openai_base_url() const {
  return openai_balancer_ ? "http://127.0.0.1:" + std::to_string(openai_balancer_->port()) + "/v1"
                          : openai_.front()->base_url();
}

std::string VendorFarm::elevenlabs_base_url() const {
  return elevenlabs_balancer_ ? "http://127.0.0.1:" + std::to_string(elevenlabs_balancer_->port())
                              : elevenlabs_.front()->base_url();
}

std::string VendorFarm::deepgram_api_key() const { return mock::FakeDeepgramOptions{}.api_key; }
std::string VendorFarm::openai_api_key() const { return openai_.front()->settings().api_key; }
std::string VendorFarm::elevenlabs_api_key() const { return mock::FakeElevenLabsSettings{}.api_key; }

std::uint64_t VendorFarm::balanced_connections() const {
  std::uint64_t total = 0;
  for (const auto* balancer : {deepgram_balancer_.get(), openai_balancer_.get(), elevenlabs_balancer_.get()}) {
    if (balancer) total += balancer->connections();
  }
  return total;
}

}  // namespace callagent::bench
