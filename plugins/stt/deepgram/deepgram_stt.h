// stt_deepgram: Deepgram live streaming speech recognition over its /v1/listen WebSocket
// (protocols.md §3). Twilio's μ-law 8 kHz goes to Deepgram unchanged.
//
// Config: see deepgram_config.h. Example:
//   {"api_key": "${env:DEEPGRAM_API_KEY}", "model": "nova-2", "endpointing": 300}
#pragma once

#include <memory>
#include <string_view>

#include "callagent/plugin_api.h"
#include "deepgram_config.h"
#include "listen_url.h"

namespace callagent::plugins::deepgram {

// Thread-safe: holds only constant config; each session owns its own connection.
// Lifetime: outlives its sessions (plugin API rule); sessions copy what they need.
class DeepgramStt final : public SttProvider {
 public:
  // Parses and checks the config; no network.
  static Status validate_config(std::string_view config_json);
  static Result<std::unique_ptr<DeepgramStt>> create(const ProviderContext& context);

  DeepgramStt(DeepgramConfig config, Endpoint endpoint, Logger& logger, ProviderMetrics& metrics);

  AudioFormat input_format() const noexcept override;
  // Returns at once; the session connects on its own thread.
  Result<std::unique_ptr<SttSession>> open_session(const SessionContext& context,
                                                   SttListener& listener) noexcept override;

 private:
  const DeepgramConfig config_;
  const Endpoint endpoint_;
  Logger& logger_;
  ProviderMetrics& metrics_;  // lives as long as this provider (plugin API 1.1)
};

}  // namespace callagent::plugins::deepgram
