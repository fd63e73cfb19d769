#include "listen_url.h"

#include <charconv>

namespace callagent::plugins::deepgram {
namespace {

const char* boolean(bool flag) { return flag ? "true" : "false"; }

// Model and language are config text; escape everything outside RFC 3986's unreserved set.
std::string escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string escaped;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                            (byte >= '0' && byte <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      escaped += c;
    } else {
      escaped += '%';
      escaped += kHex[byte >> 4U];
      escaped += kHex[byte & 0x0FU];
    }
  }
  return escaped;
}

}  // namespace

std::optional<Endpoint> parse_base_url(std::string_view base_url) {
  Endpoint endpoint;
  if (base_url.rfind("wss://", 0) == 0) {
    base_url.remove_prefix(6);
  } else if (base_url.rfind("ws://", 0) == 0) {
    endpoint.tls = false;
    endpoint.port = 80;
    base_url.remove_prefix(5);
  } else {
    return std::nullopt;
  }
  if (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  if (base_url.empty() || base_url.find_first_of("/?#@ ") != std::string_view::npos) return std::nullopt;
  const auto colon = base_url.rfind(':');
  if (colon != std::string_view::npos) {
    const std::string_view port_text = base_url.substr(colon + 1);
    unsigned port = 0;
    const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return std::nullopt;
    }
    endpoint.port = static_cast<std::uint16_t>(port);
    base_url = base_url.substr(0, colon);
  }
  if (base_url.empty()) return std::nullopt;
  endpoint.host = std::string(base_url);
  return endpoint;
}

std::string listen_target(const DeepgramConfig& config) {
  std::string target = "/v1/listen?model=" + escape(config.model) +
                       "&language=" + escape(config.language) +
                       // The host's native audio, passed through unchanged (input_format).
                       "&encoding=mulaw&sample_rate=8000&channels=1" +
                       "&interim_results=" + boolean(config.interim_results) +
                       "&endpointing=" + std::to_string(config.endpointing_ms);
  if (config.interim_results) target += "&utterance_end_ms=" + std::to_string(config.utterance_end_ms);
  target += std::string("&vad_events=") + boolean(config.vad_events) +
            "&smart_format=" + boolean(config.smart_format) +
            "&punctuate=" + boolean(config.punctuate);
  return target;
}

}  // namespace callagent::plugins::deepgram
