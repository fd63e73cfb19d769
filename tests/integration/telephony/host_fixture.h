// Starts the real callagent binary for integration tests: on a free loopback port, with a
// config the test writes, the build's plugins (fake providers included), signatures on.
//
// Threading: use from the test thread. Lifetime: the host is killed with the fixture.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/twilio/media_stream_messages.h"
#include "tests/support/child_process.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/simulated_call.h"
#include "tools/call-sim/webhook_client.h"

namespace callagent::testing {

inline constexpr const char* kTestAuthToken = "integration-test-auth-token";
inline constexpr const char* kTestApiToken = "integration-test-api-token";

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string header(const std::string& name) const;
  std::vector<std::pair<std::string, std::string>> headers;
};

HttpAnswer http_request(std::uint16_t port, const std::string& method, const std::string& path,
                        const std::string& body = {}, const std::string& bearer_token = {},
                        const std::string& content_type = "application/json");

// A port nothing listens on right now (bound and released).
std::uint16_t free_port();

// μ-law 8 kHz tone: speech as far as the fake STT's energy detector is concerned.
std::vector<std::uint8_t> tone(std::chrono::milliseconds duration, double frequency_hz = 300.0);

class RunningHost {
 public:
  // `config` gets server.port, server.base_url, twilio.auth_token and server.api_token
  // filled in unless it sets them; events go to `<directory>/transcripts`.
  RunningHost(const TemporaryDirectory& directory, nlohmann::json config);
  ~RunningHost();

  std::uint16_t port() const noexcept { return port_; }
  std::string base_url() const;
  std::string output() const { return process_->output(); }
  ChildProcess& process() { return *process_; }
  // Settings for a simulated call against this host, signed with the test auth token.
  callsim::CallSettings call_settings() const;

 private:
  std::uint16_t port_;
  std::unique_ptr<ChildProcess> process_;
};

// Fake STT/LLM/TTS plugins: the STT turns each stretch of caller sound into the next line.
nlohmann::json fake_pipeline_config(const TemporaryDirectory& directory,
                                    const std::vector<std::string>& caller_lines);

// Every transcript record the events_jsonfile plugin wrote under `<directory>/transcripts`.
std::vector<nlohmann::json> transcript_records(const TemporaryDirectory& directory);
// The same, once there are at least `count` (the writer runs just after a call ends);
// whatever is there when `timeout` passes.
std::vector<nlohmann::json> wait_for_transcripts(const TemporaryDirectory& directory, std::size_t count,
                                                 std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The plainest whole call: hear the greeting, say one thing (`turn` of tone), hear the
// answer, say goodbye (`goodbye` of tone; the fake STT's last line), wait for the hang-up.
// The `start` a test stream sends: a fixed call, μ-law 8 kHz mono as Twilio announces it.
twilio::StartMessage test_start_message();

// Twilio's voice webhook for a fixed incoming call to `host`, signed with `auth_token`
// (empty: unsigned).
callsim::WebhookRequest inbound_webhook(const RunningHost& host, const std::string& auth_token);
// A signed webhook's stream URL: a fresh conversation waiting for its stream.
std::string pending_stream_url(const RunningHost& host);

callsim::CallScript greeting_turn_goodbye(std::chrono::milliseconds turn = std::chrono::milliseconds(1000),
                                          std::chrono::milliseconds goodbye = std::chrono::milliseconds(800));

}  // namespace callagent::testing
