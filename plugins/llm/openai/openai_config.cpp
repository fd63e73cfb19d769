#include "openai_config.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <nlohmann/json.hpp>

#include <set>

namespace callagent::plugins::openai {
namespace {

using Json = nlohmann::json;

Status config_error(std::string_view key, std::string_view message) {
  return Status(ErrorCode::invalid_config, std::string(key) + ": " + std::string(message));
}

// Reads an integer member within [min, max]; leaves `out` alone when the key is absent.
Status read_int(const Json& root, const char* key, long long min, long long max, long long& out) {
  if (!root.contains(key)) return Status::ok();
  const Json& value = root.at(key);
  if (!value.is_number_integer()) return config_error(key, "expected an integer");
  const auto number = value.get<long long>();
  if (number < min || number > max) {
    return config_error(key, "expected an integer from " + std::to_string(min) + " to " +
                                 std::to_string(max));
  }
  out = number;
  return Status::ok();
}

Status read_string(const Json& root, const char* key, std::string& out) {
  if (!root.contains(key)) return Status::ok();
  if (!root.at(key).is_string()) return config_error(key, "expected a string");
  out = root.at(key).get<std::string>();
  return Status::ok();
}

Status check_base_url(std::string& base_url) {
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  try {
    const Poco::URI uri(base_url);
    if (uri.getScheme() != "http" && uri.getScheme() != "https") {
      return config_error("base_url", "expected an http:// or https:// URL");
    }
    if (uri.getHost().empty()) return config_error("base_url", "the URL has no host");
    if (!uri.getUserInfo().empty()) {
      return config_error("base_url", "credentials in the URL are not allowed; use api_key or headers");
    }
    if (!uri.getRawQuery().empty() || !uri.getFragment().empty()) {
      return config_error("base_url", "expected a URL without query or fragment");
    }
  } catch (const Poco::Exception&) {
    return config_error("base_url", "not a valid URL");
  }
  return Status::ok();
}

bool is_official_openai(const std::string& base_url) {
  try {
    return Poco::URI(base_url).getHost() == "api.openai.com";
  } catch (const Poco::Exception&) {
    return false;
  }
}

Result<OpenAiConfig> parse(const Json& root) {
  static const std::set<std::string> known = {
      "api_key", "base_url", "model", "temperature", "max_tokens", "headers",
      "connect_timeout_ms", "first_token_timeout_ms", "max_retries", "include_usage"};
  if (!root.is_object()) return config_error("(root)", "expected a JSON object");
  for (const auto& item : root.items()) {
    if (known.count(item.key()) == 0) return config_error(item.key(), "unknown key");
  }

  OpenAiConfig config;
  if (Status status = read_string(root, "api_key", config.api_key); !status) return status;
  if (Status status = read_string(root, "base_url", config.base_url); !status) return status;
  if (Status status = check_base_url(config.base_url); !status) return status;
  if (config.api_key.empty() && is_official_openai(config.base_url)) {
    return config_error("api_key", "required for api.openai.com");
  }
  if (Status status = read_string(root, "model", config.model); !status) return status;
  if (config.model.empty()) return config_error("model", "must not be empty");

  if (root.contains("temperature")) {
    const Json& value = root.at("temperature");
    if (!value.is_number()) return config_error("temperature", "expected a number from 0 to 2");
    config.temperature = value.get<double>();
    if (!(config.temperature >= 0.0 && config.temperature <= 2.0)) {
      return config_error("temperature", "expected a number from 0 to 2");
    }
  }

  long long number = config.max_tokens;
  if (Status status = read_int(root, "max_tokens", 1, 1'000'000, number); !status) return status;
  config.max_tokens = static_cast<int>(number);
  number = config.connect_timeout.count();
  if (Status status = read_int(root, "connect_timeout_ms", 1, 600'000, number); !status) return status;
  config.connect_timeout = std::chrono::milliseconds(number);
  number = config.first_token_timeout.count();
  if (Status status = read_int(root, "first_token_timeout_ms", 1, 600'000, number); !status) return status;
  config.first_token_timeout = std::chrono::milliseconds(number);
  number = config.max_retries;
  if (Status status = read_int(root, "max_retries", 0, 10, number); !status) return status;
  config.max_retries = static_cast<int>(number);

  if (root.contains("include_usage")) {
    if (!root.at("include_usage").is_boolean()) return config_error("include_usage", "expected true or false");
    config.include_usage = root.at("include_usage").get<bool>();
  }

  if (root.contains("headers")) {
    const Json& headers = root.at("headers");
    if (!headers.is_object()) return config_error("headers", "expected an object of strings");
    for (const auto& item : headers.items()) {
      const std::string path = "headers." + item.key();
      if (!item.value().is_string()) return config_error(path, "expected a string");
      if (item.key().empty() || item.key().find_first_of(" :\r\n") != std::string::npos) {
        return config_error(path, "not a valid header name");
      }
      const auto header_value = item.value().get<std::string>();
      if (header_value.find_first_of("\r\n") != std::string::npos) {
        return config_error(path, "header values must not contain line breaks");
      }
      config.headers.emplace_back(item.key(), header_value);
    }
  }
  return config;
}

}  // namespace

std::vector<std::string> OpenAiConfig::secrets() const {
  std::vector<std::string> found;
  if (!api_key.empty()) found.push_back(api_key);
  for (const auto& header : headers) {
    if (!header.second.empty()) found.push_back(header.second);
  }
  return found;
}

Result<OpenAiConfig> parse_openai_config(std::string_view config_json) {
  if (config_json.empty()) return parse(Json::object());
  Json root = Json::parse(config_json, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return config_error("(root)", "not valid JSON");
  return parse(root);
}

}  // namespace callagent::plugins::openai
