// The host's configuration: one JSON file, validated at start-up.
//
// Threading: plain values, built once on the main thread at start-up and read-only after.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/config/environment.h"

namespace callagent::config {

struct TlsConfig {
  std::string certificate_file;  // PEM; both empty: the host serves plain HTTP
  std::string private_key_file;  // PEM
};

struct ServerConfig {
  std::uint16_t port = 3000;
  // The local ngrok agent's API (e.g. "http://127.0.0.1:4040"); when set and base_url is
  // not, the host asks it for its https tunnel at start-up.
  std::string ngrok_api_url;
  std::string bind = "0.0.0.0";
  std::string base_url;             // public URL Twilio reaches, e.g. "https://abc.ngrok.app"
  int http_threads = 16;            // Poco HTTP server threads (webhooks, API)
  int worker_threads = 0;           // call pipeline workers; 0 = one per CPU core
  int stream_threads = 0;           // threads reading the Media Streams; 0 = half the cores (at least 1)
  int max_queued_connections = 256;
  int max_calls = 100;              // concurrent calls before the webhook answers busy
  int shutdown_timeout_seconds = 30;  // how long calls may finish after SIGTERM
  // How long an ended call's record (and its stream claim and CallSid index) stays in the
  // state store for GET /call/{id} and late status callbacks.
  int finished_call_retention_seconds = 3600;
  std::string api_token;            // bearer token for the admin API; empty disables it (secret)
  std::string plugin_dir;           // empty: <binary>/../lib/callagent/plugins
  TlsConfig tls;
};

struct TwilioConfig {
  std::string account_sid;
  std::string auth_token;           // secret
  std::string api_base_url = "https://api.twilio.com";
  // Unset in the file: true whenever auth_token is set.
  bool validate_signatures = false;
};

struct ProviderConfig {
  std::string plugin;               // e.g. "stt_deepgram" → <plugin_dir>/libstt_deepgram.so
  nlohmann::json config = nlohmann::json::object();  // the plugin's own subtree, env-substituted
  std::string json_path;            // where it sits in the file, e.g. "providers.events[1]"
};

struct ProvidersConfig {
  std::optional<ProviderConfig> stt;
  std::optional<ProviderConfig> llm;
  std::optional<ProviderConfig> tts;
  ProviderConfig state;             // default: state_memory
  std::vector<ProviderConfig> events;
};

// The conversation settings, with the seed's names.
struct AgentConfig {
  std::string initial_message;      // spoken when the call connects; empty: wait for the caller
  std::string prompt_preamble = "You are a helpful, concise phone assistant.";
  int allowed_idle_time_seconds = 30;
  int num_check_human_present_times = 3;
  std::string idle_check_message = "Are you still there?";
  std::string interrupt_sensitivity = "low";   // "low" or "high"
  bool end_conversation_on_goodbye = true;
  std::string goodbye_message = "Goodbye!";
  std::vector<std::string> goodbye_phrases = {"goodbye", "bye", "bye bye", "that's all",
                                              "have a nice day"};
  int max_call_duration_seconds = 1800;
  std::string language = "en-US";
  bool greeting_interruptible = true;
  std::string apology_message = "Sorry, I'm having trouble right now. Please call again later.";
  // When the caller's turn ends: "stt" (the STT's end-of-utterance signals), "time"
  // (endpointing_silence_ms of silence after words), "punctuation" (a final ending in
  // . ? ! and a short pause, or the full silence otherwise).
  std::string endpointing_mode = "stt";
  int endpointing_silence_ms = 700;
  // The caller's audio goes to the STT in chunks of up to this many ms instead of every
  // 20 ms frame, except the chunks a decision waits on (the silence after the caller's
  // speech, speech while barge-in waits for words), which go at once. 0: every frame.
  int stt_batch_ms = 100;
  std::vector<std::string> tools;                 // "end_call", "transfer_call", "send_dtmf"
  std::string transfer_phone_number;              // where transfer_call dials
  int llm_first_token_timeout_ms = 8000;
  int tts_first_audio_timeout_ms = 5000;
};

struct HostConfig {
  ServerConfig server;
  TwilioConfig twilio;
  ProvidersConfig providers;
  AgentConfig agent;
  std::filesystem::path source_file;  // the file it was read from (empty if from text)
};

struct ConfigError {
  std::string json_path;  // "server.port", "providers.events[0].plugin", "" for the whole file
  std::string message;    // "expected an integer from 1 to 65535, got \"abc\""
};

struct LoadResult {
  std::optional<HostConfig> config;   // set only when errors is empty
  std::vector<ConfigError> errors;    // every error found, not only the first
};

// Reads the file, reads "<dir of file>/.env" if present (the process environment wins
// over it), substitutes ${env:NAME} and ${env:NAME:-default} in every string, validates.
LoadResult load_config_file(const std::filesystem::path& file, const EnvironmentLookup& environment);
// Same, from text; `dotenv_dir` empty means no .env file.
LoadResult parse_config(std::string_view json_text, const EnvironmentLookup& environment,
                        const std::filesystem::path& dotenv_dir = {});

// The whole configuration as JSON with every secret replaced by "***" (keys named
// like api_key, auth_token, api_token, password, secret, token), for logs and --check-config.
nlohmann::json redacted_dump(const HostConfig& config);

// "server.port: expected ..." — one line per error.
std::string format_errors(const std::vector<ConfigError>& errors);

}  // namespace callagent::config
