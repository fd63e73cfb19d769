// tts_elevenlabs: ElevenLabs streaming speech synthesis, in μ-law 8 kHz (output_format=
// ulaw_8000) so the bytes go to Twilio unchanged. Two modes, chosen by the config's "mode":
// "http" (default: one POST per piece, protocols.md §5.1) and "websocket" (the stream-input
// socket, §5.2).
//
// Config: see elevenlabs_tts_config.h. Sessions: elevenlabs_tts_session.h (http) and
// elevenlabs_ws_session.h (websocket).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <Poco/Net/Context.h>

#include "callagent/plugin_api.h"
#include "elevenlabs_tts_config.h"

namespace callagent::plugins {

// Thread-safe: its state is immutable after create(); the TLS context is shared by the
// sessions' connections (Poco's Context is safe to share). Lifetime: outlives its sessions,
// which hold the config and the context by shared ownership anyway.
class ElevenLabsTtsProvider final : public TtsProvider {
 public:
  // No side effects: parses only.
  static Status validate_config(std::string_view config_json);
  // Parses the config and, for https, builds the TLS client context (system CA store).
  // Logs through `context.logger` during the call only.
  static Result<std::unique_ptr<ElevenLabsTtsProvider>> create(const ProviderContext& context);

  // `metrics` lives as long as the provider (the host's promise, plugin API 1.1).
  ElevenLabsTtsProvider(std::shared_ptr<const ElevenLabsTtsConfig> config, Poco::Net::Context::Ptr tls_context,
                        ProviderMetrics& metrics = no_provider_metrics());

  AudioFormat output_format() const noexcept override;
  std::string voice_key() const override;
  Result<std::unique_ptr<TtsSession>> open_session(const SessionContext& context,
                                                   TtsListener& listener) noexcept override;

 private:
  const std::shared_ptr<const ElevenLabsTtsConfig> config_;
  const Poco::Net::Context::Ptr tls_context_;  // null for http://
  ProviderMetrics& metrics_;
};

}  // namespace callagent::plugins
