// The mock vendors a benchmarked call talks to — Deepgram (energy mode), OpenAI (echo) and
// ElevenLabs (HTTP streaming) — in the bench process, with the delays under test. The
// Deepgram and OpenAI mocks serve a fixed number of concurrent connections (their Poco
// thread limit, 32), so for many calls the farm starts several instances of each behind a
// TcpBalancer; the base_url it gives the host is the balancer's. With few calls a vendor is
// reached directly. The ElevenLabs mock takes a connection limit: one instance, sized to N.
//
// Threading: construct and destroy on one thread; the mocks and balancers serve on their
// own threads. Lifetime: destroy after the host has stopped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tools/bench/tcp_balancer.h"
#include "tools/mock-vendors/deepgram/fake_deepgram.h"
#include "tools/mock-vendors/elevenlabs/fake_elevenlabs.h"
#include "tools/mock-vendors/openai/fake_openai.h"

namespace callagent::bench {

struct VendorDelays {
  int endpointing_ms = 300;
  int llm_first_token_ms = 250;
  double llm_tokens_per_second = 0;
  int tts_first_audio_ms = 120;
  int tts_ms_per_character = 40;
};

struct VendorShardCounts {
  int deepgram = 1;
  int openai = 1;
  int elevenlabs = 1;
};

// How many instances of each mock `calls` concurrent calls need.
VendorShardCounts shards_for_calls(int calls);

class VendorFarm {
 public:
  // Starts everything; throws std::runtime_error if a mock or balancer cannot start.
  VendorFarm(const VendorDelays& delays, const std::vector<std::string>& caller_lines, int calls);
  ~VendorFarm();
  VendorFarm(const VendorFarm&) = delete;
  VendorFarm& operator=(const VendorFarm&) = delete;

  std::string deepgram_base_url() const;    // ws://127.0.0.1:<port>
  std::string openai_base_url() const;      // http://127.0.0.1:<port>/v1
  std::string elevenlabs_base_url() const;  // http://127.0.0.1:<port>
  std::string deepgram_api_key() const;
  std::string openai_api_key() const;
  std::string elevenlabs_api_key() const;
  const VendorShardCounts& shards() const noexcept { return shards_; }
  std::uint64_t balanced_connections() const;  // relayed through balancers so far

 private:
  VendorShardCounts shards_;
  std::vector<std::unique_ptr<mock::FakeDeepgram>> deepgram_;
  std::vector<std::unique_ptr<mock::FakeOpenAi>> openai_;
  std::vector<std::unique_ptr<mock::FakeElevenLabs>> elevenlabs_;
  std::unique_ptr<TcpBalancer> deepgram_balancer_;
  std::unique_ptr<TcpBalancer> openai_balancer_;
  std::unique_ptr<TcpBalancer> elevenlabs_balancer_;
};

}  // namespace callagent::bench
