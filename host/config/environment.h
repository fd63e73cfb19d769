// Where config values come from besides the file itself: the process environment and a
// `.env` file beside the config, and the `${env:NAME}` substitution that reads them.
//
// Threading: pure functions over values, used on the main thread at start-up.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace callagent::config {

struct ConfigError;

// Looks up an environment variable; std::nullopt when unset.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

EnvironmentLookup process_environment();

// Parses a .env file's text: `NAME=value`, `export NAME=value`, `# comments`, blank lines,
// values in single quotes (literal) or double quotes (\n, \t, \", \\ escapes). Each bad
// line is an error whose path is "<file name>:<line>".
std::map<std::string, std::string> parse_dotenv(std::string_view text, std::string_view file_name,
                                                std::vector<ConfigError>& errors);

// `primary` first (the process environment wins), then `fallback` (the .env file).
EnvironmentLookup layered_environment(EnvironmentLookup primary,
                                      std::map<std::string, std::string> fallback);

// Replaces `${env:NAME}` and `${env:NAME:-default}` in every string of `document`, in
// place; `$${` stands for a literal `${`. A string that is exactly one reference and
// whose value reads as a JSON number or true/false becomes that number or boolean, so
// `"port": "${env:PORT}"` works. An unset variable without a default is an error at the
// string's JSON path.
// `${config_dir}` stands for `config_directory` (the folder of the config file, absolute),
// so a config can name files beside it wherever it is installed; empty leaves it as is.
void substitute_environment(nlohmann::json& document, const EnvironmentLookup& environment,
                            std::vector<ConfigError>& errors, const std::string& config_directory = {});

}  // namespace callagent::config
