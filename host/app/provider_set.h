// Every provider the config names, loaded and created at start-up.
//
// Ownership: holds the providers (each keeps its plugin library loaded). Destroyed in
// shutdown(): event sinks are flushed first (no transcript is lost), then providers go
// in reverse order of creation, and with the last reference each library unloads.
// Threading: built and shut down on the main thread; the providers themselves are
// thread-safe and may be used from any thread in between.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "callagent/plugin_api.h"
#include "host/config/host_config.h"
#include "host/plugins/plugin_loader.h"

namespace callagent::host {

struct ProviderSet {
  std::shared_ptr<SttProvider> stt;   // null when the config names none
  std::shared_ptr<LlmProvider> llm;
  std::shared_ptr<TtsProvider> tts;
  std::shared_ptr<StateStore> state;
  std::vector<std::shared_ptr<EventSink>> events;

  // Loads every provider; on the first failure returns its error (naming the JSON path,
  // the file and what to do) and releases what was already created.
  static Result<ProviderSet> create(const config::ProvidersConfig& providers,
                                    const PluginLoader& loader);

  // Flushes event sinks (up to `flush_timeout` each), then releases every provider.
  void shutdown(std::chrono::milliseconds flush_timeout);
};

}  // namespace callagent::host
