#include "host/app/provider_set.h"

#include <spdlog/spdlog.h>

namespace callagent::host {
namespace {

template <PluginKind Kind>
Result<std::shared_ptr<ProviderInterfaceT<Kind>>> create_from(const config::ProviderConfig& entry,
                                                              const PluginLoader& loader) {
  const std::string config_json = entry.config.dump();
  auto provider = loader.create<Kind>(entry.plugin, config_json, entry.json_path);
  if (provider) spdlog::info("loaded {} plugin {} for {}", to_string(Kind), entry.plugin, entry.json_path);
  return provider;
}

}  // namespace

Result<ProviderSet> ProviderSet::create(const config::ProvidersConfig& providers,
                                        const PluginLoader& loader) {
  ProviderSet set;
  // Order matters for start-up messages only: the state store first, as calls need it.
  auto state = create_from<PluginKind::state_store>(providers.state, loader);
  if (!state) return state.status();
  set.state = std::move(state).value();

  for (const auto& entry : providers.events) {
    auto sink = create_from<PluginKind::event_sink>(entry, loader);
    if (!sink) return sink.status();
    set.events.push_back(std::move(sink).value());
  }
  if (providers.stt) {
    auto stt = create_from<PluginKind::stt>(*providers.stt, loader);
    if (!stt) return stt.status();
    set.stt = std::move(stt).value();
  }
  if (providers.llm) {
    auto llm = create_from<PluginKind::llm>(*providers.llm, loader);
    if (!llm) return llm.status();
    set.llm = std::move(llm).value();
  }
  if (providers.tts) {
    auto tts = create_from<PluginKind::tts>(*providers.tts, loader);
    if (!tts) return tts.status();
    set.tts = std::move(tts).value();
  }
  return set;
}

void ProviderSet::shutdown(std::chrono::milliseconds flush_timeout) {
  for (const auto& sink : events) {
    const Status flushed = sink->flush(flush_timeout);
    if (!flushed) spdlog::error("event sink flush at shutdown failed: {}", flushed.message());
  }
  // Reverse order of creation: the pipeline's providers, then sinks, then state.
  tts.reset();
  llm.reset();
  stt.reset();
  while (!events.empty()) events.pop_back();
  state.reset();
}

}  // namespace callagent::host
