#include "host/twilio/request_signature.h"

#include <array>
#include <cctype>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace callagent::twilio {
namespace {

constexpr std::string_view kBodyHashParameterName = "bodySHA256";

const unsigned char* as_bytes(std::string_view text) {
  // OpenSSL may reject a null key pointer even with length 0; an empty view may carry one.
  static constexpr unsigned char kNoBytes[1] = {0};
  return text.data() == nullptr ? kNoBytes : reinterpret_cast<const unsigned char*>(text.data());
}

std::string base64_encode(const unsigned char* bytes, std::size_t byte_count) {
  // EVP_EncodeBlock writes 4 characters per 3 input bytes, padded, plus a terminating NUL.
  std::string encoded(4 * ((byte_count + 2) / 3) + 1, '\0');
  const int written_length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                             bytes, static_cast<int>(byte_count));
  encoded.resize(written_length < 0 ? 0 : static_cast<std::size_t>(written_length));
  return encoded;
}

// Empty on failure (only out-of-memory in practice); an empty expected signature never
// matches a non-empty header, so a failure here rejects the request.
std::string hmac_sha1_base64(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_length = 0;
  const unsigned char* result =
      HMAC(EVP_sha1(), as_bytes(key), static_cast<int>(key.size()), as_bytes(message),
           message.size(), digest.data(), &digest_length);
  if (result == nullptr) return {};
  return base64_encode(digest.data(), digest_length);
}

// Twilio's order: names byte-wise, and per name its distinct values byte-wise
// (Python's sorted(set(...))); std::string's ordering compares as unsigned bytes, which
// for UTF-8 is also code-point order.
std::string string_to_sign(std::string_view url, const FormParams& params) {
  std::map<std::string_view, std::set<std::string_view>> sorted_values_by_name;
  for (const auto& [name, value] : params) sorted_values_by_name[name].insert(value);

  std::string text(url);
  for (const auto& [name, values] : sorted_values_by_name) {
    for (const std::string_view value : values) {
      text += name;
      text += value;
    }
  }
  return text;
}

bool constant_time_equals(std::string_view expected, std::string_view received) {
  // The length of a base64 HMAC-SHA1 is public, so leaking a length mismatch costs nothing.
  if (expected.size() != received.size()) return false;
  return CRYPTO_memcmp(expected.data(), received.data(), expected.size()) == 0;
}

// scheme://[userinfo@]host[:port]<rest>, where rest is path, query and fragment.
struct UrlParts {
  std::string_view scheme_and_userinfo;  // "https://user:pass@"
  std::string_view scheme;               // "https"
  std::string_view host;                 // "mycompany.com" or "[::1]"
  std::string_view port;                 // digits only; empty when absent
  std::string_view rest;                 // "/myapp.php?foo=1"
};

bool all_digits(std::string_view text) {
  for (const char character : text) {
    if (std::isdigit(static_cast<unsigned char>(character)) == 0) return false;
  }
  return true;
}

// Nullopt for anything that is not an absolute URL with a numeric port; such a URL is
// then checked only as given.
std::optional<UrlParts> split_url(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return std::nullopt;
  const std::size_t authority_start = scheme_end + 3;
  std::size_t authority_end = url.find_first_of("/?#", authority_start);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  const std::string_view authority = url.substr(authority_start, authority_end - authority_start);

  // The last '@' ends the credentials: a password may not contain '@' unescaped, but be lenient.
  const std::size_t at_position = authority.rfind('@');
  const std::size_t host_offset = at_position == std::string_view::npos ? 0 : at_position + 1;
  const std::string_view host_and_port = authority.substr(host_offset);

  // An IPv6 literal has colons of its own; its port can only follow the closing bracket.
  std::size_t colon_position = std::string_view::npos;
  if (!host_and_port.empty() && host_and_port.front() == '[') {
    const std::size_t bracket_end = host_and_port.find(']');
    if (bracket_end == std::string_view::npos) return std::nullopt;
    if (bracket_end + 1 < host_and_port.size()) {
      if (host_and_port[bracket_end + 1] != ':') return std::nullopt;
      colon_position = bracket_end + 1;
    }
  } else {
    colon_position = host_and_port.rfind(':');
  }

  UrlParts parts;
  parts.scheme = url.substr(0, scheme_end);
  parts.scheme_and_userinfo = url.substr(0, authority_start + host_offset);
  parts.host = host_and_port.substr(0, colon_position);
  if (colon_position != std::string_view::npos) {
    parts.port = host_and_port.substr(colon_position + 1);
    if (!all_digits(parts.port)) return std::nullopt;
  }
  parts.rest = url.substr(authority_end);
  return parts;
}

std::string_view default_port_for(std::string_view scheme) {
  std::string lower_scheme;
  for (const char character : scheme) {
    lower_scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
  }
  if (lower_scheme == "https" || lower_scheme == "wss") return "443";
  if (lower_scheme == "http" || lower_scheme == "ws") return "80";
  return {};
}

// Twilio's back end sometimes signs with the port and sometimes without (protocols.md §2.1
// step 7), so its validators try: the URL as given, without any port, and with the port
// (the explicit one kept, else the scheme's default added).
std::vector<std::string> candidate_urls(std::string_view url) {
  std::vector<std::string> candidates{std::string(url)};
  const std::optional<UrlParts> parts = split_url(url);
  if (!parts) return candidates;

  auto add_unique = [&candidates](std::string candidate) {
    for (const std::string& existing : candidates) {
      if (existing == candidate) return;
    }
    candidates.push_back(std::move(candidate));
  };
  const std::string without_port =
      std::string(parts->scheme_and_userinfo) + std::string(parts->host) + std::string(parts->rest);
  add_unique(without_port);

  const std::string_view port = parts->port.empty() ? default_port_for(parts->scheme) : parts->port;
  if (!port.empty()) {
    add_unique(std::string(parts->scheme_and_userinfo) + std::string(parts->host) + ":" +
               std::string(port) + std::string(parts->rest));
  }
  return candidates;
}

bool signature_matches_any_port_variant(std::string_view auth_token, std::string_view url,
                                        const FormParams& params,
                                        std::string_view signature_header) {
  bool any_match = false;
  // Every variant is checked (no early exit) so the timing does not reveal which one matched.
  for (const std::string& candidate : candidate_urls(url)) {
    const std::string expected = compute_signature(auth_token, candidate, params);
    any_match = constant_time_equals(expected, signature_header) || any_match;
  }
  return any_match;
}

// The first bodySHA256 value in the URL's query, taken raw: Twilio writes it as plain hex,
// so there is nothing to decode, and a lenient scan does not reject a URL over an unrelated
// odd parameter.
std::optional<std::string_view> body_hash_from_query(std::string_view url) {
  const std::size_t query_start = url.find('?');
  if (query_start == std::string_view::npos) return std::nullopt;
  std::size_t query_end = url.find('#', query_start);
  if (query_end == std::string_view::npos) query_end = url.size();
  const std::string_view query = url.substr(query_start + 1, query_end - query_start - 1);

  std::size_t segment_start = 0;
  while (segment_start <= query.size()) {
    std::size_t segment_end = query.find('&', segment_start);
    if (segment_end == std::string_view::npos) segment_end = query.size();
    const std::string_view segment = query.substr(segment_start, segment_end - segment_start);
    segment_start = segment_end + 1;

    const std::size_t equals_position = segment.find('=');
    if (equals_position == std::string_view::npos) continue;
    if (segment.substr(0, equals_position) == kBodyHashParameterName) {
      return segment.substr(equals_position + 1);
    }
  }
  return std::nullopt;
}

}  // namespace

std::string compute_signature(std::string_view auth_token, std::string_view url,
                              const FormParams& params) {
  return hmac_sha1_base64(auth_token, string_to_sign(url, params));
}

SignatureVerdict verify_signature(std::string_view auth_token, std::string_view url,
                                  const FormParams& params, std::string_view signature_header) {
  if (signature_header.empty()) return SignatureVerdict::missing;
  // An empty token is a configuration mistake; anyone could sign with it.
  if (auth_token.empty()) return SignatureVerdict::invalid;
  return signature_matches_any_port_variant(auth_token, url, params, signature_header)
             ? SignatureVerdict::valid
             : SignatureVerdict::invalid;
}

SignatureVerdict verify_json_body_signature(std::string_view auth_token, std::string_view url,
                                            std::string_view body,
                                            std::string_view signature_header) {
  if (signature_header.empty()) return SignatureVerdict::missing;
  if (auth_token.empty()) return SignatureVerdict::invalid;
  const std::optional<std::string_view> claimed_body_hash = body_hash_from_query(url);
  // An empty claim must not meet an empty digest (what sha256_hex returns on failure).
  if (!claimed_body_hash || claimed_body_hash->empty()) return SignatureVerdict::invalid;
  // Both checks always run; the signature binds the hash, the hash binds the body.
  const bool body_matches = constant_time_equals(sha256_hex(body), *claimed_body_hash);
  const bool signature_matches =
      signature_matches_any_port_variant(auth_token, url, FormParams{}, signature_header);
  return body_matches && signature_matches ? SignatureVerdict::valid : SignatureVerdict::invalid;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_length = 0;
  if (EVP_Digest(as_bytes(data), data.size(), digest.data(), &digest_length, EVP_sha256(),
                 nullptr) != 1) {
    return {};  // never equal to a 64-digit claim, so the request is rejected
  }
  static constexpr char kLowerHexDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * digest_length);
  for (unsigned int index = 0; index < digest_length; ++index) {
    hex += kLowerHexDigits[digest[index] >> 4U];
    hex += kLowerHexDigits[digest[index] & 0x0FU];
  }
  return hex;
}

}  // namespace callagent::twilio
