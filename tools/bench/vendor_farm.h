// The mock vendors a benchmarked call talks to — Deepgram (energy mode), OpenAI (echo) and
// ElevenLabs (HTTP streaming) — in the bench process, with the delays under test. One
// instance of each, sized for the load: each mock takes a connection limit
// (`max_connections`, one thread per connection in its own pool), set to the calls plus
// headroom, so the host reaches every vendor directly.
//
// Threading: construct and destroy on one thread; the mocks serve on their own threads.
// Lifetime: destroy after the host has stopped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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

// The connections each mock accepts at once for `calls` concurrent calls: a call's
// connection can outlive it briefly, a cancelled LLM request is replaced by a new
// connection, and the host warms its phrase cache at start-up.
int vendor_connection_limit(int calls);

class VendorFarm {
 public:
  // Starts everything; throws std::runtime_error if a mock cannot start.
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
  int connection_limit() const noexcept { return connection_limit_; }
  // Audio messages the Deepgram mock has received from every call so far.
  std::int64_t deepgram_audio_messages() const;

 private:
  int connection_limit_;
  std::unique_ptr<mock::FakeDeepgram> deepgram_;
  std::unique_ptr<mock::FakeOpenAi> openai_;
  std::unique_ptr<mock::FakeElevenLabs> elevenlabs_;
};

}  // namespace callagent::bench
