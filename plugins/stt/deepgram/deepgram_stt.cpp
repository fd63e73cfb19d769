#include "deepgram_stt.h"

#include "deepgram_session.h"

namespace callagent::plugins::deepgram {

Status DeepgramStt::validate_config(std::string_view config_json) {
  return parse_config(config_json).status();
}

Result<std::unique_ptr<DeepgramStt>> DeepgramStt::create(const ProviderContext& context) {
  Result<DeepgramConfig> config = parse_config(context.config_json);
  if (!config) return config.status();
  // parse_config already checked base_url.
  const auto endpoint = parse_base_url(config.value().base_url);
  if (!endpoint) return Status(ErrorCode::invalid_config, "base_url: expected ws:// or wss:// URL");
  // Logged without the key: model, language and where it connects.
  context.logger.info("Deepgram " + config.value().model + " (" + config.value().language + ") at " +
                      config.value().base_url);
  return std::make_unique<DeepgramStt>(std::move(config).value(), *endpoint, context.logger, metrics_of(context));
}

DeepgramStt::DeepgramStt(DeepgramConfig config, Endpoint endpoint, Logger& logger, ProviderMetrics& metrics)
    : config_(std::move(config)), endpoint_(std::move(endpoint)), logger_(logger), metrics_(metrics) {}

AudioFormat DeepgramStt::input_format() const noexcept { return {AudioEncoding::mulaw, 8000}; }

Result<std::unique_ptr<SttSession>> DeepgramStt::open_session(const SessionContext& context,
                                                              SttListener& listener) noexcept {
  try {
    return std::unique_ptr<SttSession>(std::make_unique<DeepgramSession>(config_, endpoint_, listener, context.logger, metrics_));
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("could not start a Deepgram session: ") + error.what());
  }
}

}  // namespace callagent::plugins::deepgram
