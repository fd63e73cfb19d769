#include "host/config/host_config.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "host/config/json_path.h"
#include "host/config/object_reader.h"
#include "host/config/secret_redaction.h"

namespace callagent::config {
namespace {

bool is_plain_plugin_name(std::string_view name) {
  if (name.empty()) return false;
  for (const char character : name) {
    const bool allowed = (character >= 'a' && character <= 'z') ||
                         (character >= 'A' && character <= 'Z') ||
                         (character >= '0' && character <= '9') || character == '_' ||
                         character == '-';
    if (!allowed) return false;
  }
  return true;
}

bool is_http_url(std::string_view url) {
  return url.starts_with("http://") || url.starts_with("https://");
}

std::string without_trailing_slash(std::string url) {
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  return url;
}

void read_server(ObjectReader& section, ServerConfig& server) {
  int port = server.port;
  section.read_int("port", port, 0, 65535);
  server.port = static_cast<std::uint16_t>(port);
  section.read_string("bind", server.bind);
  section.read_string("base_url", server.base_url);
  if (!server.base_url.empty()) {
    if (!is_http_url(server.base_url)) {
      section.error("base_url", "expected the public http:// or https:// URL Twilio reaches, got \"" +
                                    server.base_url + "\"");
    }
    server.base_url = without_trailing_slash(server.base_url);
  }
  section.read_int("http_threads", server.http_threads, 1, 1024);
  section.read_int("worker_threads", server.worker_threads, 0, 256);
  section.read_int("stream_threads", server.stream_threads, 0, 256);
  section.read_int("max_queued_connections", server.max_queued_connections, 1, 65535);
  section.read_int("max_calls", server.max_calls, 1, 100000);
  section.read_int("shutdown_timeout_seconds", server.shutdown_timeout_seconds, 0, 3600);
  section.read_int("finished_call_retention_seconds", server.finished_call_retention_seconds, 1, 30 * 86400);
  section.read_string("api_token", server.api_token);
  section.read_string("plugin_dir", server.plugin_dir);
  section.read_string("ngrok_api_url", server.ngrok_api_url);
  if (!server.ngrok_api_url.empty() && !is_http_url(server.ngrok_api_url)) {
    section.error("ngrok_api_url", "expected an http:// URL such as \"http://127.0.0.1:4040\"");
  }

  ObjectReader tls = section.nested("tls");
  tls.read_string("certificate_file", server.tls.certificate_file);
  tls.read_string("private_key_file", server.tls.private_key_file);
  if (server.tls.certificate_file.empty() != server.tls.private_key_file.empty()) {
    tls.error(server.tls.certificate_file.empty() ? "certificate_file" : "private_key_file",
              "required when the other of certificate_file and private_key_file is set");
  }
  tls.finish();
}

void read_twilio(ObjectReader& section, TwilioConfig& twilio) {
  section.read_string("account_sid", twilio.account_sid);
  if (!twilio.account_sid.empty() && !twilio.account_sid.starts_with("AC")) {
    section.error("account_sid", "expected a Twilio account SID (\"AC\" followed by 32 hex digits)");
  }
  section.read_string("auth_token", twilio.auth_token);
  section.read_string("api_base_url", twilio.api_base_url);
  if (!is_http_url(twilio.api_base_url)) {
    section.error("api_base_url", "expected an http:// or https:// URL, got \"" +
                                      twilio.api_base_url + "\"");
  }
  twilio.api_base_url = without_trailing_slash(twilio.api_base_url);
  bool given = false;
  section.read_bool("validate_signatures", twilio.validate_signatures, given);
  // Secure by default: with an auth token to check against, signatures are checked.
  if (!given) twilio.validate_signatures = !twilio.auth_token.empty();
  if (twilio.validate_signatures && twilio.auth_token.empty()) {
    section.error("validate_signatures", "needs twilio.auth_token to check signatures with");
  }
}

std::optional<ProviderConfig> read_provider(const nlohmann::json* value, const std::string& path,
                                            std::vector<ConfigError>& errors) {
  if (value == nullptr) return std::nullopt;
  ObjectReader entry(value, path, errors);
  if (!entry.present()) return std::nullopt;
  ProviderConfig provider;
  provider.json_path = path;
  const std::size_t errors_before = errors.size();
  entry.read_string("plugin", provider.plugin);
  if (errors.size() == errors_before) {
    if (entry.child("plugin") == nullptr) {
      entry.error("plugin", "required: the plugin's name, e.g. \"stt_deepgram\"");
    } else if (!is_plain_plugin_name(provider.plugin)) {
      entry.error("plugin", "\"" + provider.plugin +
                                "\" is not a plugin name (letters, digits, '_' and '-' only; "
                                "it names <plugin_dir>/lib<name>.so)");
    }
  }
  if (const auto* config = entry.child("config")) {
    if (config->is_object()) {
      provider.config = *config;
    } else {
      entry.error("config", "expected an object (the plugin's own settings), got " + describe(*config));
    }
  }
  entry.finish();
  return provider;
}

void read_providers(ObjectReader& section, ProvidersConfig& providers,
                    std::vector<ConfigError>& errors) {
  providers.stt = read_provider(section.child("stt"), section.path_of("stt"), errors);
  providers.llm = read_provider(section.child("llm"), section.path_of("llm"), errors);
  providers.tts = read_provider(section.child("tts"), section.path_of("tts"), errors);
  providers.state.plugin = "state_memory";
  providers.state.json_path = section.path_of("state");
  if (auto state = read_provider(section.child("state"), section.path_of("state"), errors)) {
    providers.state = std::move(*state);
  }
  if (const auto* events = section.child("events")) {
    if (!events->is_array()) {
      section.error("events", "expected an array of {\"plugin\": …, \"config\": {…}}, got " +
                                  describe(*events));
      return;
    }
    for (std::size_t index = 0; index < events->size(); ++index) {
      if (auto sink = read_provider(&(*events)[index], index_path(section.path_of("events"), index),
                                    errors)) {
        providers.events.push_back(std::move(*sink));
      }
    }
  }
}

void read_agent(ObjectReader& section, AgentConfig& agent) {
  section.read_string("initial_message", agent.initial_message);
  section.read_string("prompt_preamble", agent.prompt_preamble);
  section.read_int("allowed_idle_time_seconds", agent.allowed_idle_time_seconds, 1, 3600);
  section.read_int("num_check_human_present_times", agent.num_check_human_present_times, 0, 100);
  section.read_string("idle_check_message", agent.idle_check_message);
  section.read_choice("interrupt_sensitivity", agent.interrupt_sensitivity, {"low", "high"});
  section.read_bool("end_conversation_on_goodbye", agent.end_conversation_on_goodbye);
  section.read_string("goodbye_message", agent.goodbye_message);
  section.read_string_list("goodbye_phrases", agent.goodbye_phrases);
  section.read_int("max_call_duration_seconds", agent.max_call_duration_seconds, 10, 86400);
  section.read_string("language", agent.language);
  if (agent.language.empty()) section.error("language", "expected a BCP 47 tag such as \"en-US\"");
  section.read_bool("greeting_interruptible", agent.greeting_interruptible);
  section.read_string("apology_message", agent.apology_message);
  section.read_choice("endpointing_mode", agent.endpointing_mode, {"stt", "time", "punctuation"});
  section.read_int("endpointing_silence_ms", agent.endpointing_silence_ms, 100, 10000);
  // Deepgram asks for 20–250 ms of audio per message.
  section.read_int("stt_batch_ms", agent.stt_batch_ms, 0, 250);
  section.read_string_list("tools", agent.tools);
  for (std::size_t index = 0; index < agent.tools.size(); ++index) {
    const auto& tool = agent.tools[index];
    if (tool != "end_call" && tool != "transfer_call" && tool != "send_dtmf") {
      section.error("tools", "unknown tool \"" + tool + "\" (known: end_call, transfer_call, send_dtmf)");
    }
  }
  section.read_string("transfer_phone_number", agent.transfer_phone_number);
  const bool transfer_enabled =
      std::find(agent.tools.begin(), agent.tools.end(), "transfer_call") != agent.tools.end();
  if (transfer_enabled && agent.transfer_phone_number.empty()) {
    section.error("transfer_phone_number", "required when tools has \"transfer_call\"");
  }
  section.read_int("llm_first_token_timeout_ms", agent.llm_first_token_timeout_ms, 500, 120000);
  section.read_int("tts_first_audio_timeout_ms", agent.tts_first_audio_timeout_ms, 500, 120000);
}

std::optional<std::string> read_text_file(const std::filesystem::path& file, std::string& problem) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) {
    std::error_code error;
    problem = std::filesystem::exists(file, error) ? "cannot be read (check its permissions)"
                                                   : "does not exist";
    return std::nullopt;
  }
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

}  // namespace

LoadResult parse_config(std::string_view json_text, const EnvironmentLookup& environment,
                        const std::filesystem::path& dotenv_dir) {
  LoadResult result;
  auto& errors = result.errors;

  EnvironmentLookup effective_environment = environment;
  if (!dotenv_dir.empty()) {
    const auto dotenv_file = dotenv_dir / ".env";
    std::error_code exists_error;
    if (std::filesystem::exists(dotenv_file, exists_error)) {
      std::string problem;
      const auto text = read_text_file(dotenv_file, problem);
      if (!text) {
        errors.push_back({dotenv_file.string(), problem});
        return result;
      }
      auto values = parse_dotenv(*text, dotenv_file.string(), errors);
      effective_environment = layered_environment(environment, std::move(values));
    }
  }

  nlohmann::json document;
  try {
    document = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/true,
                                     /*ignore_comments=*/true);
  } catch (const nlohmann::json::parse_error& error) {
    errors.push_back({"", std::string("not valid JSON: ") + error.what()});
    return result;
  }
  if (!document.is_object()) {
    errors.push_back({"", "expected a JSON object with server, twilio, providers and agent, got " +
                              describe(document)});
    return result;
  }
  const std::string config_directory =
      dotenv_dir.empty() ? std::string() : std::filesystem::absolute(dotenv_dir).lexically_normal().string();
  substitute_environment(document, effective_environment, errors, config_directory);

  HostConfig config;
  ObjectReader top(&document, "", errors);
  ObjectReader server = top.nested("server");
  read_server(server, config.server);
  server.finish();
  ObjectReader twilio = top.nested("twilio");
  read_twilio(twilio, config.twilio);
  twilio.finish();
  ObjectReader providers = top.nested("providers");
  read_providers(providers, config.providers, errors);
  providers.finish();
  ObjectReader agent = top.nested("agent");
  read_agent(agent, config.agent);
  agent.finish();
  top.finish();

  if (errors.empty()) result.config = std::move(config);
  return result;
}

LoadResult load_config_file(const std::filesystem::path& file, const EnvironmentLookup& environment) {
  std::string problem;
  const auto text = read_text_file(file, problem);
  if (!text) {
    LoadResult result;
    result.errors.push_back({"", "the config file " + problem});
    return result;
  }
  const auto directory = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  auto result = parse_config(*text, environment, directory);
  if (result.config) result.config->source_file = std::filesystem::absolute(file);
  return result;
}

nlohmann::json redacted_dump(const HostConfig& config) {
  const auto& server = config.server;
  const auto& twilio = config.twilio;
  const auto& agent = config.agent;
  auto provider_json = [](const ProviderConfig& provider) {
    return nlohmann::json{{"plugin", provider.plugin}, {"config", provider.config}};
  };
  nlohmann::json providers = nlohmann::json::object();
  if (config.providers.stt) providers["stt"] = provider_json(*config.providers.stt);
  if (config.providers.llm) providers["llm"] = provider_json(*config.providers.llm);
  if (config.providers.tts) providers["tts"] = provider_json(*config.providers.tts);
  providers["state"] = provider_json(config.providers.state);
  providers["events"] = nlohmann::json::array();
  for (const auto& sink : config.providers.events) providers["events"].push_back(provider_json(sink));

  const nlohmann::json whole = {
      {"server",
       {{"port", server.port},
        {"bind", server.bind},
        {"base_url", server.base_url},
        {"http_threads", server.http_threads},
        {"worker_threads", server.worker_threads},
        {"stream_threads", server.stream_threads},
        {"max_queued_connections", server.max_queued_connections},
        {"max_calls", server.max_calls},
        {"shutdown_timeout_seconds", server.shutdown_timeout_seconds},
        {"finished_call_retention_seconds", server.finished_call_retention_seconds},
        {"api_token", server.api_token},
        {"plugin_dir", server.plugin_dir},
        {"ngrok_api_url", server.ngrok_api_url},
        {"tls",
         {{"certificate_file", server.tls.certificate_file},
          {"private_key_file", server.tls.private_key_file}}}}},
      {"twilio",
       {{"account_sid", twilio.account_sid},
        {"auth_token", twilio.auth_token},
        {"api_base_url", twilio.api_base_url},
        {"validate_signatures", twilio.validate_signatures}}},
      {"providers", providers},
      {"agent",
       {{"initial_message", agent.initial_message},
        {"prompt_preamble", agent.prompt_preamble},
        {"allowed_idle_time_seconds", agent.allowed_idle_time_seconds},
        {"num_check_human_present_times", agent.num_check_human_present_times},
        {"idle_check_message", agent.idle_check_message},
        {"interrupt_sensitivity", agent.interrupt_sensitivity},
        {"end_conversation_on_goodbye", agent.end_conversation_on_goodbye},
        {"goodbye_message", agent.goodbye_message},
        {"goodbye_phrases", agent.goodbye_phrases},
        {"max_call_duration_seconds", agent.max_call_duration_seconds},
        {"language", agent.language},
        {"greeting_interruptible", agent.greeting_interruptible},
        {"apology_message", agent.apology_message},
        {"endpointing_mode", agent.endpointing_mode},
        {"endpointing_silence_ms", agent.endpointing_silence_ms},
        {"stt_batch_ms", agent.stt_batch_ms},
        {"tools", agent.tools},
        {"transfer_phone_number", agent.transfer_phone_number},
        {"llm_first_token_timeout_ms", agent.llm_first_token_timeout_ms},
        {"tts_first_audio_timeout_ms", agent.tts_first_audio_timeout_ms}}}};
  return redact_secrets(whole);
}

std::string format_errors(const std::vector<ConfigError>& errors) {
  std::string text;
  for (const auto& error : errors) {
    text += "  ";
    text += error.json_path.empty() ? error.message : error.json_path + ": " + error.message;
    text += "\n";
  }
  return text;
}

}  // namespace callagent::config
