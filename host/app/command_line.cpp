#include "host/app/command_line.h"

#include <filesystem>
#include <sstream>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/program_options.hpp>

#include "host/logging/log_setup.h"

namespace callagent::host {

namespace options = boost::program_options;

std::string default_config_file() {
  const std::filesystem::path executable = boost::dll::program_location().string();
  return (executable.parent_path() / ".." / "share" / "callagent" / "config" / "default.json")
      .lexically_normal()
      .string();
}

CommandLineResult parse_command_line(int argc, const char* const* argv) {
  CommandLine line;
  std::string check_config_file;
  int port = -1;
  options::options_description description(
      "callagent: a host that lets an AI agent answer and place phone calls.\n\n"
      "Usage: callagent [--config FILE] [options]\n\nOptions");
  // clang-format off
  description.add_options()
    ("help,h", "print this help and exit")
    ("version", "print the version and exit")
    ("config,c", options::value<std::string>(&line.config_file)->value_name("FILE"),
     "the JSON config file (default: <prefix>/share/callagent/config/default.json)")
    ("port,p", options::value<int>(&port)->value_name("PORT"),
     "listen on this port instead of server.port (0: any free port)")
    ("plugin-dir", options::value<std::string>(&line.plugin_dir)->value_name("DIR"),
     "load plugins from DIR instead of server.plugin_dir")
    ("log-format", options::value<std::string>(&line.log_format)->value_name("FORMAT"),
     "pretty (default) or json (one JSON object per line, for the journal)")
    ("log-level", options::value<std::string>(&line.log_level)->value_name("LEVEL"),
     "trace, debug (full transcripts), info (default: call lifecycle), warn, error")
    ("check-config", options::value<std::string>(&check_config_file)->value_name("FILE")
                         ->implicit_value(""),
     "validate the config (FILE, or --config) and its plugins' configs, then exit: "
     "0 when valid, 2 with every error and its JSON path otherwise")
    ("print-config", "print the effective config, secrets redacted, then exit")
    ("list-plugins", "print the name, kind, version and file of every plugin found, then exit");
  // clang-format on

  std::ostringstream help;
  help << description;
  line.help_text = help.str();

  try {
    options::variables_map values;
    options::store(options::command_line_parser(argc, argv).options(description).run(), values);
    options::notify(values);
    line.show_help = values.count("help") > 0;
    line.show_version = values.count("version") > 0;
    line.list_plugins = values.count("list-plugins") > 0;
    line.print_config = values.count("print-config") > 0;
    if (values.count("check-config") > 0) {
      line.check_config = true;
      if (!check_config_file.empty()) line.config_file = check_config_file;
    }
  } catch (const options::error& error) {
    return {std::nullopt, std::string(error.what()) + " (see callagent --help)"};
  }
  if (port != -1) {
    if (port < 0 || port > 65535) return {std::nullopt, "--port must be from 0 to 65535"};
    line.port = static_cast<std::uint16_t>(port);
  }
  if (!parse_log_format(line.log_format)) {
    return {std::nullopt, "--log-format must be pretty or json, got \"" + line.log_format + "\""};
  }
  if (!parse_log_level(line.log_level)) {
    return {std::nullopt, "--log-level must be trace, debug, info, warn or error, got \"" +
                              line.log_level + "\""};
  }
  return {std::move(line), {}};
}

}  // namespace callagent::host
