// The versioned entry point every plugin exports, and the plain data it returns.
//
// The loader resolves exactly one symbol, `callagent_plugin_v1` (the number is the
// API major version), calls it, and checks the returned PluginInfo — struct size, API
// major, ABI tag, kind — before it calls any other code in the plugin. Only then does
// it call `validate_config` (if any) and `create`.
//
// Write a plugin with the CALLAGENT_PLUGIN macro at the bottom of this file, in a
// `plugin.cpp` that holds nothing else.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "callagent/plugin_api/abi_tag.h"
#include "callagent/plugin_api/provider.h"
#include "callagent/plugin_api/status.h"

namespace callagent {

// Factory: builds the provider from its context. It should be noexcept and report every
// failure as an error Result; the host still guards against a throwing factory.
using CreateProviderFn = ProviderResult (*)(const ProviderContext& context);
// Optional: checks a config subtree without creating anything or touching the network.
// Used by `callagent --check-config`. Returns ok or invalid_config naming the JSON path.
using ValidateConfigFn = Status (*)(std::string_view config_json);

// Plain data, readable before any of the plugin's C++ code is trusted. The first four
// fields keep their meaning and position in every API version, so any host can at least
// tell a plugin's version and ABI apart from its own.
struct PluginInfo {
  std::uint32_t struct_size;     // sizeof(PluginInfo) as the plugin saw it
  std::uint32_t api_major;       // CALLAGENT_PLUGIN_API_MAJOR
  std::uint32_t api_minor;       // CALLAGENT_PLUGIN_API_MINOR
  const char* abi_tag;           // CALLAGENT_ABI_TAG
  PluginKind kind;
  const char* name;              // e.g. "stt_deepgram"; should match the file lib<name>.so
  const char* version;           // the plugin's own version, e.g. "1.2.0"
  const char* description;       // one line for `callagent --list-plugins`
  CreateProviderFn create;
  ValidateConfigFn validate_config;  // may be null
};

// The entry's signature. Strings and the struct it returns must have static storage.
using PluginEntryFn = const PluginInfo* ();

inline constexpr const char* kPluginEntrySymbol = "callagent_plugin_v1";

// Builds a factory that constructs `Impl` from the context and turns any exception into
// an internal error, so nothing escapes across the boundary. `Impl` must be constructible
// as Impl::create(const ProviderContext&) -> Result<std::unique_ptr<Impl>>.
template <typename Impl>
ProviderResult create_provider_guarded(const ProviderContext& context) noexcept {
  try {
    auto created = Impl::create(context);
    if (!created) return created.status();
    return ProviderResult(std::unique_ptr<Provider>(std::move(created).value().release()));
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("exception while creating provider: ") + error.what());
  } catch (...) {
    return Status(ErrorCode::internal, "unknown exception while creating provider");
  }
}

// Same guard for config validation: Impl::validate_config(std::string_view) -> Status.
template <typename Impl>
Status validate_config_guarded(std::string_view config_json) noexcept {
  try {
    return Impl::validate_config(config_json);
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("exception while validating config: ") + error.what());
  } catch (...) {
    return Status(ErrorCode::internal, "unknown exception while validating config");
  }
}

}  // namespace callagent

#define CALLAGENT_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

// Declares the plugin's entry. KIND is a callagent::PluginKind enumerator name (stt, llm,
// tts, state_store, event_sink); IMPL a class with the static create/validate_config above.
#define CALLAGENT_PLUGIN(KIND, NAME, VERSION, DESCRIPTION, IMPL)                        \
  CALLAGENT_PLUGIN_EXPORT const ::callagent::PluginInfo* callagent_plugin_v1() {        \
    static const ::callagent::PluginInfo info{                                          \
        sizeof(::callagent::PluginInfo),                                                \
        CALLAGENT_PLUGIN_API_MAJOR,                                                     \
        CALLAGENT_PLUGIN_API_MINOR,                                                     \
        CALLAGENT_ABI_TAG,                                                              \
        ::callagent::PluginKind::KIND,                                                  \
        NAME,                                                                           \
        VERSION,                                                                        \
        DESCRIPTION,                                                                    \
        &::callagent::create_provider_guarded<IMPL>,                                    \
        &::callagent::validate_config_guarded<IMPL>};                                   \
    return &info;                                                                       \
  }
