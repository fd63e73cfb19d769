// One plugin .so, opened and checked. Checking reads only the plain data the entry point
// returns; no other code in the plugin runs until every check has passed.
//
// Ownership: a PluginLibrary shares ownership of the loaded library. Every provider and
// session created from it holds a reference too (see plugin_loader.h), so the library is
// unloaded only after the last object whose code lives in it is gone.
// Threading: open() runs on the main thread at start-up (dlopen and static initialisers);
// the resulting object is immutable and may be read from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "callagent/plugin_api.h"

namespace boost::dll { class shared_library; }

namespace callagent::host {

struct PluginMetadata {
  std::string name;
  PluginKind kind = PluginKind::stt;
  std::string version;
  std::string description;
  std::uint32_t api_major = 0;
  std::uint32_t api_minor = 0;
  std::filesystem::path file;
};

class PluginLibrary {
 public:
  // Opens `file` with RTLD_NOW (a missing symbol fails here, not mid-call) and checks
  // its info: ELF file, entry point, struct size, API major, ABI tag. Each failure has
  // its own message naming the file and what to do.
  static Result<PluginLibrary> open(const std::filesystem::path& file);

  const PluginMetadata& metadata() const noexcept { return metadata_; }
  const PluginInfo& info() const noexcept { return *info_; }
  // Shared ownership of the loaded library, for deleters of objects the plugin created.
  std::shared_ptr<const void> keep_alive() const noexcept { return library_; }

 private:
  PluginLibrary(std::shared_ptr<boost::dll::shared_library> library, const PluginInfo* info,
                PluginMetadata metadata);

  std::shared_ptr<boost::dll::shared_library> library_;
  const PluginInfo* info_;  // static storage inside the library; valid while library_ lives
  PluginMetadata metadata_;
};

}  // namespace callagent::host
