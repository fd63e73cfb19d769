// Maps each PluginKind to the interface its providers implement, so the loader can hand
// out typed providers after checking the kind in the plugin's plain-data info.
#pragma once

#include "callagent/plugin_api.h"

namespace callagent::host {

template <PluginKind Kind>
struct ProviderInterface;

template <> struct ProviderInterface<PluginKind::stt> { using type = SttProvider; };
template <> struct ProviderInterface<PluginKind::llm> { using type = LlmProvider; };
template <> struct ProviderInterface<PluginKind::tts> { using type = TtsProvider; };
template <> struct ProviderInterface<PluginKind::state_store> { using type = StateStore; };
template <> struct ProviderInterface<PluginKind::event_sink> { using type = EventSink; };

template <PluginKind Kind>
using ProviderInterfaceT = typename ProviderInterface<Kind>::type;

}  // namespace callagent::host
