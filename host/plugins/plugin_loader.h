// Resolves plugin names to files, loads them, and creates typed providers.
//
// Names resolve to <plugin_dir>/lib<name>.so; names with anything but letters, digits,
// '_' and '-' are refused, so a config can never point the host at another path.
//
// Ownership: providers come back as shared_ptr whose deleter also holds the plugin's
// library and the provider's logger, so neither can go away under a live provider.
// Threading: use from the main thread at start-up (loading runs plugin initialisers).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api.h"
#include "host/plugins/plugin_kind_traits.h"
#include "host/plugins/plugin_library.h"

namespace callagent::host {

// Makes the logger a provider will use (prefixed with the plugin's name). The logger
// must stay valid for as long as the returned shared_ptr is held.
using ProviderLoggerFactory = std::function<std::shared_ptr<Logger>(const PluginMetadata&)>;
// Makes the metrics a provider reports vendor counts to (labelled with the plugin's name);
// kept alive with the provider like its logger. Empty: providers get no metrics (null).
using ProviderMetricsFactory = std::function<std::shared_ptr<ProviderMetrics>(const PluginMetadata&)>;

// One entry of a plugin folder listing (`callagent --list-plugins`).
struct PluginListing {
  std::filesystem::path file;
  std::optional<PluginMetadata> metadata;  // set when the file loaded and passed every check
  std::string error;                       // why it did not, otherwise
};

class PluginLoader {
 public:
  PluginLoader(std::filesystem::path plugin_dir, ProviderLoggerFactory logger_factory,
               ProviderMetricsFactory metrics_factory = {});

  const std::filesystem::path& plugin_dir() const noexcept { return plugin_dir_; }

  // <plugin_dir>/lib<name>.so, or an error when the name is not a plain name.
  Result<std::filesystem::path> resolve(std::string_view name) const;

  // Loads and checks the plugin, and checks that it is of `expected_kind`.
  // `config_path` (e.g. "providers.stt") is named in the messages.
  Result<PluginLibrary> load(std::string_view name, PluginKind expected_kind,
                             std::string_view config_path) const;

  // Runs the plugin's own config check, if it has one (no provider is created).
  Status validate_config(const PluginLibrary& library, std::string_view config_json) const;

  // Calls the plugin's factory through the boundary guard: an error Result or an
  // exception becomes a Status naming the plugin and file.
  Result<std::shared_ptr<Provider>> create_provider(const PluginLibrary& library,
                                                    std::string_view config_json) const;

  // load + create_provider + cast to the kind's interface.
  template <PluginKind Kind>
  Result<std::shared_ptr<ProviderInterfaceT<Kind>>> create(std::string_view name,
                                                           std::string_view config_json,
                                                           std::string_view config_path) const {
    auto library = load(name, Kind, config_path);
    if (!library) return library.status();
    auto provider = create_provider(library.value(), config_json);
    if (!provider) return provider.status();
    // The kind was checked against the plugin's info, and every provider of a kind
    // derives from that kind's interface with single, non-virtual inheritance.
    return std::static_pointer_cast<ProviderInterfaceT<Kind>>(std::move(provider).value());
  }

  // Every lib*.so in the plugin folder, sorted by file name, each loaded and checked.
  std::vector<PluginListing> list() const;

 private:
  std::filesystem::path plugin_dir_;
  ProviderLoggerFactory logger_factory_;
  ProviderMetricsFactory metrics_factory_;
};

// The folder a host binary finds its plugins in when the config names none:
// <dir of the executable>/../lib/callagent/plugins (the same in the build tree and in
// an installed tree, which keeps the installed tree relocatable).
std::filesystem::path default_plugin_dir();

}  // namespace callagent::host
