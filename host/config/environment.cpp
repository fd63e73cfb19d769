#include "host/config/environment.h"

#include <cctype>
#include <cstdlib>

#include "host/config/host_config.h"
#include "host/config/json_path.h"

namespace callagent::config {
namespace {

bool is_variable_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  for (const char character : name) {
    if (!std::isalnum(static_cast<unsigned char>(character)) && character != '_') return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// The value part of a .env line; std::nullopt with `problem` set when malformed.
std::optional<std::string> parse_dotenv_value(std::string_view raw, std::string& problem) {
  raw = trim(raw);
  if (raw.empty()) return std::string();
  const char quote = raw.front();
  if (quote != '"' && quote != '\'') {
    // Unquoted: up to an inline comment (" #"), trimmed.
    if (const std::size_t comment = raw.find(" #"); comment != std::string_view::npos) {
      raw = trim(raw.substr(0, comment));
    }
    return std::string(raw);
  }
  std::string value;
  for (std::size_t index = 1; index < raw.size(); ++index) {
    const char character = raw[index];
    if (character == quote) {
      const std::string_view rest = trim(raw.substr(index + 1));
      if (!rest.empty() && rest.front() != '#') {
        problem = "unexpected text after the closing quote";
        return std::nullopt;
      }
      return value;
    }
    if (quote == '"' && character == '\\' && index + 1 < raw.size()) {
      const char escaped = raw[++index];
      switch (escaped) {
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        case 'r': value += '\r'; break;
        default: value += escaped; break;
      }
      continue;
    }
    value += character;
  }
  problem = std::string("missing closing ") + quote;
  return std::nullopt;
}

// Substitutes one string; returns false (with an error recorded) on an unset variable.
constexpr std::string_view kConfigDirectoryReference = "${config_dir}";

bool substitute_string(std::string& text, const EnvironmentLookup& environment,
                       const std::string& path, std::vector<ConfigError>& errors,
                       bool& whole_string_was_one_reference, const std::string& config_directory) {
  whole_string_was_one_reference = false;
  if (text.find("${") == std::string::npos) return true;
  if (!config_directory.empty()) {
    for (std::size_t found = text.find(kConfigDirectoryReference); found != std::string::npos;
         found = text.find(kConfigDirectoryReference, found + config_directory.size())) {
      if (found > 0 && text[found - 1] == '$') continue;  // $${config_dir}: literal
      text.replace(found, kConfigDirectoryReference.size(), config_directory);
    }
    if (text.find("${") == std::string::npos) return true;
  }
  std::string result;
  std::size_t references = 0;
  bool only_reference = true;
  std::size_t position = 0;
  while (position < text.size()) {
    if (text.compare(position, 3, "$${") == 0) {
      result += "${";
      position += 3;
      only_reference = false;
      continue;
    }
    if (text.compare(position, 6, "${env:") != 0) {
      result += text[position++];
      only_reference = false;
      continue;
    }
    const std::size_t close = text.find('}', position);
    if (close == std::string::npos) {
      errors.push_back({path, "unterminated ${env:...} reference"});
      return false;
    }
    const std::string_view body(text.data() + position + 6, close - position - 6);
    std::string_view name = body;
    std::optional<std::string_view> fallback;
    if (const std::size_t dash = body.find(":-"); dash != std::string_view::npos) {
      name = body.substr(0, dash);
      fallback = body.substr(dash + 2);
    }
    if (!is_variable_name(name)) {
      errors.push_back({path, "\"${env:" + std::string(body) + "}\" is not a valid variable name"});
      return false;
    }
    const auto value = environment(std::string(name));
    if (value) {
      result += *value;
    } else if (fallback) {
      result += *fallback;
    } else {
      errors.push_back({path, "environment variable " + std::string(name) +
                                  " is not set (set it, add it to .env, or write ${env:" +
                                  std::string(name) + ":-default})"});
      return false;
    }
    ++references;
    position = close + 1;
  }
  whole_string_was_one_reference = only_reference && references == 1;
  text = std::move(result);
  return true;
}

void substitute_at(nlohmann::json& value, const std::string& path,
                   const EnvironmentLookup& environment, std::vector<ConfigError>& errors,
                   const std::string& config_directory) {
  if (value.is_object()) {
    for (auto& [key, child] : value.items()) {
      substitute_at(child, join_path(path, key), environment, errors, config_directory);
    }
  } else if (value.is_array()) {
    for (std::size_t index = 0; index < value.size(); ++index) {
      substitute_at(value[index], index_path(path, index), environment, errors, config_directory);
    }
  } else if (value.is_string()) {
    std::string text = value.get<std::string>();
    bool single_reference = false;
    if (!substitute_string(text, environment, path, errors, single_reference, config_directory)) return;
    if (single_reference) {
      // "${env:PORT}" → 8080, "${env:VERIFY}" → true: typed values from the environment.
      if (text == "true" || text == "false") {
        value = (text == "true");
        return;
      }
      const auto number = nlohmann::json::parse(text, nullptr, false);
      if (!number.is_discarded() && number.is_number()) {
        value = number;
        return;
      }
    }
    value = std::move(text);
  }
}

}  // namespace

EnvironmentLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::map<std::string, std::string> parse_dotenv(std::string_view text, std::string_view file_name,
                                                std::vector<ConfigError>& errors) {
  std::map<std::string, std::string> values;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = trim(line.substr(7));
    const std::string where = std::string(file_name) + ":" + std::to_string(line_number);
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      errors.push_back({where, "expected NAME=value"});
      continue;
    }
    const std::string_view name = trim(line.substr(0, equals));
    if (!is_variable_name(name)) {
      errors.push_back({where, "\"" + std::string(name) + "\" is not a valid variable name"});
      continue;
    }
    std::string problem;
    auto value = parse_dotenv_value(line.substr(equals + 1), problem);
    if (!value) {
      errors.push_back({where, problem});
      continue;
    }
    values[std::string(name)] = std::move(*value);
  }
  return values;
}

EnvironmentLookup layered_environment(EnvironmentLookup primary,
                                      std::map<std::string, std::string> fallback) {
  return [primary = std::move(primary), fallback = std::move(fallback)](
             const std::string& name) -> std::optional<std::string> {
    if (auto value = primary(name)) return value;
    if (const auto found = fallback.find(name); found != fallback.end()) return found->second;
    return std::nullopt;
  };
}

void substitute_environment(nlohmann::json& document, const EnvironmentLookup& environment,
                            std::vector<ConfigError>& errors, const std::string& config_directory) {
  substitute_at(document, "", environment, errors, config_directory);
}

}  // namespace callagent::config
