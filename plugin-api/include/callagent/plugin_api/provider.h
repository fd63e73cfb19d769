// The common base of every provider, and what the host hands a provider's factory.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "callagent/plugin_api/logger.h"
#include "callagent/plugin_api/metrics.h"
#include "callagent/plugin_api/status.h"

namespace callagent {

enum class PluginKind : std::uint32_t {
  stt = 1,
  llm = 2,
  tts = 3,
  state_store = 4,
  event_sink = 5,
};

constexpr std::string_view to_string(PluginKind kind) noexcept {
  switch (kind) {
    case PluginKind::stt: return "stt";
    case PluginKind::llm: return "llm";
    case PluginKind::tts: return "tts";
    case PluginKind::state_store: return "state";
    case PluginKind::event_sink: return "events";
  }
  return "unknown";
}

// A provider is config-scoped: one instance per entry in the host config, created once
// at start-up on the main thread and destroyed at shutdown after all of its sessions.
// Providers must be thread-safe: the host calls them from many threads at once.
//
// The host owns every provider through a shared_ptr whose deleter also keeps the
// plugin's library loaded, so the code never unloads under a live object.
class Provider {
 public:
  virtual ~Provider() = default;
  Provider() = default;
  Provider(const Provider&) = delete;
  Provider& operator=(const Provider&) = delete;
};

// Everything the host pushes to a factory. References are valid during the factory
// call only, except `logger`, which lives as long as the provider it is given to.
struct ProviderContext {
  // The plugin's own config subtree ("providers.stt.config" and so on) as JSON text.
  // The plugin parses and validates it and names the JSON path of any error, relative
  // to that subtree (e.g. "endpointing_ms: expected an integer").
  std::string_view config_json;
  // Logger prefixed with the plugin's name.
  Logger& logger;
  // Where this plugin's .so was loaded from, for plugins that ship data beside it.
  std::string_view plugin_dir;
  // API 1.1 (appended: fields are only ever added at the end). Vendor-side counts for
  // GET /metrics, labelled by the host with this plugin's name; lives as long as the
  // provider. May be null: read it through metrics_of().
  ProviderMetrics* metrics = nullptr;
};

// The context's metrics, or a no-op when the host passed none.
inline ProviderMetrics& metrics_of(const ProviderContext& context) noexcept {
  return context.metrics != nullptr ? *context.metrics : no_provider_metrics();
}

using ProviderResult = Result<std::unique_ptr<Provider>>;

}  // namespace callagent
