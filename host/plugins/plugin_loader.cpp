#include "host/plugins/plugin_loader.h"

#include <algorithm>

#include <boost/dll/runtime_symbol_info.hpp>
#include <fmt/format.h>

namespace callagent::host {
namespace {

bool is_plain_plugin_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
  });
}

std::string describe_plugins_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string file = entry.path().filename().string();
    if (file.starts_with("lib") && file.ends_with(".so")) {
      names.push_back(file.substr(3, file.size() - 6));
    }
  }
  if (error) return fmt::format("the folder cannot be read: {}", error.message());
  if (names.empty()) return "it holds no plugins";
  std::sort(names.begin(), names.end());
  return fmt::format("plugins there: {}", fmt::join(names, ", "));
}

}  // namespace

PluginLoader::PluginLoader(std::filesystem::path plugin_dir, ProviderLoggerFactory logger_factory,
                           ProviderMetricsFactory metrics_factory)
    : plugin_dir_(std::move(plugin_dir)),
      logger_factory_(std::move(logger_factory)),
      metrics_factory_(std::move(metrics_factory)) {}

Result<std::filesystem::path> PluginLoader::resolve(std::string_view name) const {
  if (!is_plain_plugin_name(name)) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("plugin name \"{}\" is not allowed: use only letters, digits, '_' "
                              "and '-' (names resolve to <plugin_dir>/lib<name>.so)",
                              name));
  }
  return plugin_dir_ / fmt::format("lib{}.so", name);
}

Result<PluginLibrary> PluginLoader::load(std::string_view name, PluginKind expected_kind,
                                         std::string_view config_path) const {
  auto file = resolve(name);
  if (!file) {
    return Status(file.status().code(), fmt::format("{}: {}", config_path, file.status().message()));
  }
  std::error_code error;
  if (!std::filesystem::exists(file.value(), error)) {
    return Status(ErrorCode::not_found,
                  fmt::format("{}: unknown plugin \"{}\": {} does not exist; check the name or "
                              "put the plugin's .so in {} ({})",
                              config_path, name, file.value().string(), plugin_dir_.string(),
                              describe_plugins_in(plugin_dir_)));
  }
  auto library = PluginLibrary::open(file.value());
  if (!library) {
    return Status(library.status().code(),
                  fmt::format("{}: {}", config_path, library.status().message()));
  }
  const PluginMetadata& metadata = library.value().metadata();
  if (metadata.kind != expected_kind) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("{}: plugin file {} is a {} plugin (\"{}\"), but {} needs a {} "
                              "plugin: name a {} plugin there",
                              config_path, metadata.file.string(), to_string(metadata.kind),
                              metadata.name, config_path, to_string(expected_kind),
                              to_string(expected_kind)));
  }
  return library;
}

Status PluginLoader::validate_config(const PluginLibrary& library,
                                     std::string_view config_json) const {
  const PluginInfo& info = library.info();
  if (info.validate_config == nullptr) return Status::ok();
  try {
    return info.validate_config(config_json);
  } catch (const std::exception& exception) {
    return Status(ErrorCode::internal,
                  fmt::format("plugin {} ({}) threw while validating its config: {}; plugins must "
                              "report errors as Status: fix the plugin",
                              library.metadata().name, library.metadata().file.string(),
                              exception.what()));
  } catch (...) {
    return Status(ErrorCode::internal,
                  fmt::format("plugin {} ({}) threw while validating its config; fix the plugin",
                              library.metadata().name, library.metadata().file.string()));
  }
}

Result<std::shared_ptr<Provider>> PluginLoader::create_provider(const PluginLibrary& library,
                                                                std::string_view config_json) const {
  const PluginMetadata& metadata = library.metadata();
  std::shared_ptr<Logger> logger = logger_factory_(metadata);
  const std::string plugin_dir = metadata.file.parent_path().string();
  std::shared_ptr<ProviderMetrics> metrics = metrics_factory_ ? metrics_factory_(metadata) : nullptr;
  // A plugin built against API 1.0 stops reading before `metrics` (appended in 1.1).
  ProviderContext context{config_json, *logger, plugin_dir, metrics.get()};

  ProviderResult created = Status(ErrorCode::internal, "factory not called");
  try {
    created = library.info().create(context);
  } catch (const std::exception& exception) {
    return Status(ErrorCode::internal,
                  fmt::format("plugin {} ({}) threw from its factory: {}; plugins must report "
                              "errors as Status, not exceptions: fix the plugin",
                              metadata.name, metadata.file.string(), exception.what()));
  } catch (...) {
    return Status(ErrorCode::internal,
                  fmt::format("plugin {} ({}) threw a non-standard exception from its factory; "
                              "plugins must report errors as Status: fix the plugin",
                              metadata.name, metadata.file.string()));
  }
  if (!created) {
    const Status& failure = created.status();
    return Status(failure.code(), fmt::format("plugin {} ({}) failed to start: {}: {}",
                                              metadata.name, metadata.file.string(),
                                              to_string(failure.code()), failure.message()));
  }
  std::unique_ptr<Provider> provider = std::move(created).value();
  if (!provider) {
    return Status(ErrorCode::internal, fmt::format("plugin {} ({}) returned no provider",
                                                   metadata.name, metadata.file.string()));
  }
  // The deleter runs the plugin's destructor first, then drops the logger and the
  // library reference: the code stays mapped until the object is gone.
  Provider* raw = provider.release();
  return std::shared_ptr<Provider>(
      raw, [library_ref = library.keep_alive(), logger, metrics](Provider* object) mutable {
        delete object;
        logger.reset();
        metrics.reset();
        library_ref.reset();
      });
}

std::vector<PluginListing> PluginLoader::list() const {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(plugin_dir_, error)) {
    const std::string file = entry.path().filename().string();
    if (file.starts_with("lib") && file.ends_with(".so")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<PluginListing> listings;
  for (const auto& file : files) {
    auto library = PluginLibrary::open(file);
    if (library) {
      listings.push_back({file, library.value().metadata(), {}});
    } else {
      listings.push_back({file, std::nullopt, library.status().message()});
    }
  }
  return listings;
}

std::filesystem::path default_plugin_dir() {
  const std::filesystem::path executable = boost::dll::program_location().string();
  return (executable.parent_path() / ".." / "lib" / "callagent" / "plugins").lexically_normal();
}

}  // namespace callagent::host
