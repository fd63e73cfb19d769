#include "openai_llm.h"

#include <Poco/Exception.h>
#include <Poco/Net/SSLManager.h>

namespace callagent::plugins::openai {

Status OpenAiLlmProvider::validate_config(std::string_view config_json) {
  const Result<OpenAiConfig> config = parse_openai_config(config_json);
  return config ? Status::ok() : config.status();
}

Result<std::shared_ptr<const SessionSettings>> make_session_settings(const OpenAiConfig& config, bool prewarm,
                                                                     ProviderMetrics* metrics) {
  Result<HttpEndpoint> endpoint = parse_endpoint(config.base_url);
  if (!endpoint) return endpoint.status();
  auto settings = std::make_shared<SessionSettings>();
  settings->config = config;
  settings->endpoint = std::move(endpoint).value();
  settings->prewarm = prewarm;
  if (metrics != nullptr) settings->metrics = metrics;
  settings->secrets = config.secrets();
  if (!config.api_key.empty()) settings->headers.emplace_back("Authorization", "Bearer " + config.api_key);
  settings->headers.emplace_back("Accept", "text/event-stream");
  settings->headers.emplace_back("User-Agent", "callagent-llm_openai/1.0.0");
  for (const auto& header : config.headers) settings->headers.push_back(header);
  if (settings->endpoint.tls) {
    try {
      // The system's CA store; the peer's certificate and host name are checked.
      Poco::Net::Context::Params params;
      params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
      params.loadDefaultCAs = true;
      settings->tls_context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    } catch (const Poco::Exception& error) {
      return Status(ErrorCode::internal, "cannot set up TLS: " + error.displayText());
    }
  }
  return std::shared_ptr<const SessionSettings>(std::move(settings));
}

Result<std::unique_ptr<OpenAiLlmProvider>> OpenAiLlmProvider::create(const ProviderContext& context) {
  Result<OpenAiConfig> config = parse_openai_config(context.config_json);
  if (!config) return config.status();
  Poco::Net::initializeSSL();  // reference-counted; released in the destructor
  Result<std::shared_ptr<const SessionSettings>> settings = make_session_settings(config.value(), true, context.metrics);
  if (!settings) {
    Poco::Net::uninitializeSSL();
    return settings.status();
  }
  context.logger.info("model " + config.value().model + " at " + settings.value()->endpoint.host + ":" +
                      std::to_string(settings.value()->endpoint.port) +
                      (config.value().api_key.empty() ? " (no API key)" : ""));
  return std::make_unique<OpenAiLlmProvider>(std::move(settings).value());
}

OpenAiLlmProvider::OpenAiLlmProvider(std::shared_ptr<const SessionSettings> settings)
    : settings_(std::move(settings)) {}

OpenAiLlmProvider::~OpenAiLlmProvider() { Poco::Net::uninitializeSSL(); }

Result<std::unique_ptr<LlmSession>> OpenAiLlmProvider::open_session(const SessionContext& context,
                                                                    LlmListener& listener) noexcept {
  try {
    return std::unique_ptr<LlmSession>(std::make_unique<OpenAiLlmSession>(settings_, listener, context.logger));
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("cannot open an llm_openai session: ") + error.what());
  }
}

}  // namespace callagent::plugins::openai
