#include "elevenlabs_tts.h"

#include <exception>
#include <utility>

#include <Poco/Exception.h>

#include "elevenlabs_tts_session.h"
#include "elevenlabs_ws_session.h"

namespace callagent::plugins {

Status ElevenLabsTtsProvider::validate_config(std::string_view config_json) {
  return parse_elevenlabs_tts_config(config_json).status();
}

Result<std::unique_ptr<ElevenLabsTtsProvider>> ElevenLabsTtsProvider::create(const ProviderContext& context) {
  auto parsed = parse_elevenlabs_tts_config(context.config_json);
  if (!parsed) return parsed.status();
  auto config = std::make_shared<const ElevenLabsTtsConfig>(std::move(parsed).value());

  Poco::Net::Context::Ptr tls_context;
  if (config->endpoint.tls) {
    try {
      // Verify the server against the system's CA store; the vendor has a public certificate.
      tls_context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                           Poco::Net::Context::VERIFY_RELAXED, 9, true);
    } catch (const Poco::Exception& error) {
      return Status(ErrorCode::internal, "tts_elevenlabs cannot set up TLS: " + error.displayText());
    }
  }
  // The key is not in this line: only the public settings.
  context.logger.info("voice " + config->voice_id + ", model " + config->model_id + " at " + config->base_url +
                      ", " + config->mode + " mode, optimize_streaming_latency " +
                      std::to_string(config->optimize_streaming_latency));
  return std::make_unique<ElevenLabsTtsProvider>(std::move(config), std::move(tls_context), metrics_of(context));
}

ElevenLabsTtsProvider::ElevenLabsTtsProvider(std::shared_ptr<const ElevenLabsTtsConfig> config,
                                             Poco::Net::Context::Ptr tls_context, ProviderMetrics& metrics)
    : config_(std::move(config)), tls_context_(std::move(tls_context)), metrics_(metrics) {}

AudioFormat ElevenLabsTtsProvider::output_format() const noexcept {
  return AudioFormat{AudioEncoding::mulaw, 8000};
}

std::string ElevenLabsTtsProvider::voice_key() const { return elevenlabs_voice_key(*config_); }

Result<std::unique_ptr<TtsSession>> ElevenLabsTtsProvider::open_session(const SessionContext& context,
                                                                        TtsListener& listener) noexcept {
  try {
    std::unique_ptr<TtsSession> session;
    if (config_->mode == "websocket") {
      session = std::make_unique<ElevenLabsStreamInputSession>(config_, tls_context_, listener, context.logger,
                                                                metrics_);
    } else {
      session = std::make_unique<ElevenLabsTtsSession>(config_, tls_context_, listener, context.logger, metrics_);
    }
    context.logger.info("session open (" + config_->mode + " mode)");
    return session;
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("tts_elevenlabs could not start a session: ") + error.what());
  }
}

}  // namespace callagent::plugins
