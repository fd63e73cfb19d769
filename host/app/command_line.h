// The `callagent` command line. Every option is listed by --help.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace callagent::host {

struct CommandLine {
  std::string config_file;                 // --config; empty: the installed default.json
  std::optional<std::uint16_t> port;       // --port overrides server.port
  std::string log_format = "pretty";       // --log-format pretty|json
  std::string log_level = "info";          // --log-level trace|debug|info|warn|error
  std::string plugin_dir;                  // --plugin-dir overrides server.plugin_dir
  bool list_plugins = false;               // --list-plugins
  bool check_config = false;               // --check-config [FILE]
  bool print_config = false;               // --print-config
  bool show_help = false;
  bool show_version = false;
  std::string help_text;                   // filled by parse_command_line
};

struct CommandLineResult {
  std::optional<CommandLine> command_line;
  std::string error;                       // set when command_line is not
};

CommandLineResult parse_command_line(int argc, const char* const* argv);

// <dir of the executable>/../share/callagent/config/default.json
std::string default_config_file();

}  // namespace callagent::host
