// llm_openai: streaming chat completions from OpenAI or any server that speaks the same
// API (Azure OpenAI, Ollama, vLLM, llama.cpp server). Config: openai_config.h.
#pragma once

#include <memory>
#include <string_view>

#include "callagent/plugin_api.h"
#include "openai_llm_session.h"

namespace callagent::plugins::openai {

// Thread-safe: its state is the immutable SessionSettings, shared by every session.
// Lifetime: holds one reference on Poco's SSL library init for as long as it lives.
class OpenAiLlmProvider final : public LlmProvider {
 public:
  // Parses and checks the config; no network, no files.
  static Status validate_config(std::string_view config_json);
  // Logs one line (never the key) and keeps no reference to the context but its logger.
  static Result<std::unique_ptr<OpenAiLlmProvider>> create(const ProviderContext& context);

  explicit OpenAiLlmProvider(std::shared_ptr<const SessionSettings> settings);
  ~OpenAiLlmProvider() override;

  // Each session opens its connection in the background at once (pre-warm), so the
  // first turn does not pay for TCP and TLS set-up.
  Result<std::unique_ptr<LlmSession>> open_session(const SessionContext& context,
                                                   LlmListener& listener) noexcept override;

 private:
  const std::shared_ptr<const SessionSettings> settings_;
};

// Builds the shared settings (headers, TLS context) from a parsed config. `prewarm`
// false is for tests that count connections.
// `metrics` null: nothing is counted.
Result<std::shared_ptr<const SessionSettings>> make_session_settings(const OpenAiConfig& config, bool prewarm,
                                                                     ProviderMetrics* metrics = nullptr);

}  // namespace callagent::plugins::openai
