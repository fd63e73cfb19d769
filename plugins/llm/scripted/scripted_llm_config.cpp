#include "scripted_llm_config.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "script_parser.h"

namespace callagent::plugins::scripted {
namespace {

using nlohmann::json;

constexpr std::string_view kKnownKeys = "script_file, script, token_delay_ms";
constexpr std::size_t kMaxQuotedValueChars = 60;

Status config_error(std::string message) { return Status(ErrorCode::invalid_config, std::move(message)); }

std::string quote(const json& value) {
  std::string text = value.dump();
  if (text.size() > kMaxQuotedValueChars) {
    text.resize(kMaxQuotedValueChars);
    text += "...";
  }
  return text;
}

// nlohmann's message without its "[json.exception.parse_error.101] " tag, which means
// nothing to someone editing a script.
std::string parse_error_text(const json::parse_error& error) {
  std::string_view text = error.what();
  const std::size_t tag_end = text.find("] ");
  if (text.starts_with("[json.exception") && tag_end != std::string_view::npos) text.remove_prefix(tag_end + 2);
  return std::string(text);
}

Result<std::string> read_script_text(const std::string& path) {
  const std::string where = "script_file: " + path + ": ";
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (status.type() == std::filesystem::file_type::not_found) {
    std::error_code ignored;
    return config_error(where + "does not exist (a relative path starts at the host's working directory, " +
                        std::filesystem::current_path(ignored).string() + ")");
  }
  if (error) return config_error(where + "cannot be read: " + error.message());
  if (!std::filesystem::is_regular_file(status)) return config_error(where + "is not a regular file");
  const auto size_bytes = std::filesystem::file_size(path, error);
  if (error) return config_error(where + "cannot be read: " + error.message());
  if (size_bytes > kMaxScriptFileBytes) {
    return config_error(where + "is " + std::to_string(size_bytes) + " bytes; a script may have at most " +
                        std::to_string(kMaxScriptFileBytes));
  }
  std::ifstream file(path, std::ios::binary);
  if (!file.is_open()) return config_error(where + "cannot be opened (check its permissions)");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) return config_error(where + "cannot be read");
  return text;
}

Result<std::shared_ptr<const Script>> load_script_file(const json& path_value) {
  if (!path_value.is_string() || path_value.get<std::string>().empty()) {
    return config_error("script_file: expected a path, got " + quote(path_value));
  }
  const std::string path = path_value.get<std::string>();
  auto text = read_script_text(path);
  if (!text) return text.status();
  json root;
  try {
    root = json::parse(text.value(), /*cb=*/nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& error) {
    return config_error("script_file: " + path + ": not valid JSON: " + parse_error_text(error));
  }
  auto script = parse_script(root, "");
  if (!script) return config_error("script_file: " + path + ": " + script.status().message());
  return script;
}

Status read_token_delay(const json& value, std::chrono::milliseconds& delay) {
  // Parsed text holds every non-negative integer as unsigned, so this also refuses
  // negatives, fractions and strings.
  if (!value.is_number_unsigned() || value.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxTokenDelayMs)) {
    return config_error("token_delay_ms: expected an integer from 0 to " + std::to_string(kMaxTokenDelayMs) +
                        ", got " + quote(value));
  }
  delay = std::chrono::milliseconds(value.get<std::int64_t>());
  return Status::ok();
}

}  // namespace

Result<ScriptedLlmConfig> load_scripted_llm_config(std::string_view config_json) {
  if (config_json.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return config_error("script_file or script: one is required (the dialog to follow)");
  }
  json root;
  try {
    root = json::parse(config_json.begin(), config_json.end());
  } catch (const json::parse_error& error) {
    return config_error("config must be a JSON object; this text is not JSON (error at byte " +
                        std::to_string(error.byte) + ")");
  }
  if (!root.is_object()) return config_error(std::string("config must be a JSON object, got ") + root.type_name());

  ScriptedLlmConfig config;
  const json* script_file = nullptr;
  const json* inline_script = nullptr;
  // nlohmann keeps object keys sorted, so with several errors the one reported is stable.
  for (const auto& item : root.items()) {
    if (item.key() == "script_file") {
      script_file = &item.value();
    } else if (item.key() == "script") {
      inline_script = &item.value();
    } else if (item.key() == "token_delay_ms") {
      if (Status status = read_token_delay(item.value(), config.token_delay); !status) return status;
    } else {
      return config_error(item.key() + ": unknown key (known: " + std::string(kKnownKeys) + ")");
    }
  }
  if ((script_file == nullptr) == (inline_script == nullptr)) {
    return config_error(script_file == nullptr
                            ? "script_file or script: one is required (the dialog to follow)"
                            : "script_file and script: give only one (a file, or the script inline)");
  }

  auto script = script_file != nullptr ? load_script_file(*script_file) : parse_script(*inline_script, "script");
  if (!script) return script.status();
  config.script = std::move(script).value();
  config.script_origin = script_file != nullptr ? "script_file " + script_file->get<std::string>() : "inline script";
  return config;
}

}  // namespace callagent::plugins::scripted
