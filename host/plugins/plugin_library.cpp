#include "host/plugins/plugin_library.h"

#include <array>
#include <fstream>
#include <optional>

#include <dlfcn.h>

#include <boost/dll/shared_library.hpp>
#include <fmt/format.h>

namespace callagent::host {
namespace {

bool has_elf_header(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  std::array<char, 4> magic{};
  stream.read(magic.data(), magic.size());
  return stream.gcount() == 4 && magic == std::array<char, 4>{'\x7f', 'E', 'L', 'F'};
}

// A plugin built for another API major exports callagent_plugin_v<N>; finding one lets
// the error say which version the plugin wants instead of "no entry point".
std::optional<unsigned> other_api_major(const boost::dll::shared_library& library) {
  for (unsigned major = 0; major <= 16; ++major) {
    if (major == CALLAGENT_PLUGIN_API_MAJOR) continue;
    if (library.has(fmt::format("callagent_plugin_v{}", major))) return major;
  }
  return std::nullopt;
}

std::string safe_string(const char* text) { return text ? std::string(text) : std::string(); }

}  // namespace

PluginLibrary::PluginLibrary(std::shared_ptr<boost::dll::shared_library> library,
                             const PluginInfo* info, PluginMetadata metadata)
    : library_(std::move(library)), info_(info), metadata_(std::move(metadata)) {}

Result<PluginLibrary> PluginLibrary::open(const std::filesystem::path& file) {
  const std::string shown = file.string();
  std::error_code filesystem_error;
  if (!std::filesystem::exists(file, filesystem_error)) {
    return Status(ErrorCode::not_found, fmt::format("plugin file {} does not exist", shown));
  }
  if (!std::filesystem::is_regular_file(file, filesystem_error)) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("plugin file {} is not a regular file", shown));
  }
  if (!has_elf_header(file)) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("plugin file {} is not a shared library (no ELF header): replace it "
                              "with a plugin built by callagent_add_plugin",
                              shown));
  }

  auto library = std::make_shared<boost::dll::shared_library>();
  boost::system::error_code load_error;
  library->load(boost::dll::fs::path(shown),
                boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, load_error);
  if (load_error || !library->is_loaded()) {
    // Boost.DLL's error_code drops the loader's own text; dlerror() still holds it
    // (thread-local, and nothing else ran on this thread since).
    const char* reason = dlerror();
    return Status(ErrorCode::invalid_argument,
                  fmt::format("plugin file {} could not be loaded: {}: a symbol or library it "
                              "needs is missing; rebuild it against this host",
                              shown, reason ? reason : load_error.message()));
  }

  if (!library->has(kPluginEntrySymbol)) {
    if (auto major = other_api_major(*library)) {
      return Status(ErrorCode::invalid_argument,
                    fmt::format("plugin file {} was built for plugin API {}.x (it exports "
                                "callagent_plugin_v{}); this host speaks API {}.x: rebuild the "
                                "plugin against this host's plugin-api",
                                shown, *major, *major, CALLAGENT_PLUGIN_API_MAJOR));
    }
    return Status(ErrorCode::invalid_argument,
                  fmt::format("plugin file {} has no entry point {}: it is not a callagent "
                              "plugin (declare one with CALLAGENT_PLUGIN in its plugin.cpp)",
                              shown, kPluginEntrySymbol));
  }

  auto& entry = library->get<PluginEntryFn>(kPluginEntrySymbol);
  // The entry only returns a pointer to static data; it is the one call made before the
  // checks, and it is guarded like every other call into a plugin.
  const PluginInfo* info = nullptr;
  try {
    info = entry();
  } catch (...) {
    return Status(ErrorCode::internal,
                  fmt::format("plugin file {}: its entry point threw; fix the plugin", shown));
  }
  if (info == nullptr) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("plugin file {}: its entry point returned no plugin info", shown));
  }
  if (info->api_major != CALLAGENT_PLUGIN_API_MAJOR) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("plugin file {} was built for plugin API {}.{}; this host speaks "
                              "API {}.{}: rebuild the plugin against this host's plugin-api",
                              shown, info->api_major, info->api_minor, CALLAGENT_PLUGIN_API_MAJOR,
                              CALLAGENT_PLUGIN_API_MINOR));
  }
  // A newer minor may read fields this host does not fill in (e.g. 1.1's
  // ProviderContext::metrics, past the end of a 1.0 host's context): refuse it. Older minors
  // are fine: what they read is still there, in the same place.
  if (info->api_minor > CALLAGENT_PLUGIN_API_MINOR) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("plugin file {} needs plugin API {}.{}; this host speaks API {}.{}: "
                              "upgrade the host, or use a plugin built for this version",
                              shown, info->api_major, info->api_minor, CALLAGENT_PLUGIN_API_MAJOR,
                              CALLAGENT_PLUGIN_API_MINOR));
  }
  // Fields added by later minor versions go at the end; this host needs all of 1.0's.
  if (info->struct_size < sizeof(PluginInfo)) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("plugin file {} reports a plugin info of {} bytes, expected {}: "
                              "rebuild the plugin against this host's plugin-api",
                              shown, info->struct_size, sizeof(PluginInfo)));
  }
  const std::string abi_tag = safe_string(info->abi_tag);
  if (abi_tag != CALLAGENT_ABI_TAG) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("plugin file {} was built with \"{}\", the host with \"{}\": "
                              "rebuild the plugin with the host's compiler and settings",
                              shown, abi_tag, CALLAGENT_ABI_TAG));
  }
  if (info->create == nullptr || info->name == nullptr || *info->name == '\0') {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("plugin file {} has no name or no factory in its plugin info: "
                              "declare it with CALLAGENT_PLUGIN",
                              shown));
  }
  const auto kind_value = static_cast<std::uint32_t>(info->kind);
  if (kind_value < static_cast<std::uint32_t>(PluginKind::stt) ||
      kind_value > static_cast<std::uint32_t>(PluginKind::event_sink)) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("plugin file {} declares unknown kind {}", shown, kind_value));
  }

  PluginMetadata metadata{safe_string(info->name),
                          info->kind,
                          safe_string(info->version),
                          safe_string(info->description),
                          info->api_major,
                          info->api_minor,
                          file};
  return PluginLibrary(std::move(library), info, std::move(metadata));
}

}  // namespace callagent::host
