#include "host/twilio/rest_client.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "host/twilio/form_params.h"

namespace callagent::twilio {
namespace {

constexpr std::string_view kUserAgent = "callagent/twilio-rest-client";
constexpr std::string_view kApiVersionPath = "/2010-04-01/Accounts/";
// Twilio's answers are a few KiB; anything far larger is not Twilio, and reading it all
// would let a broken proxy make us buffer without bound.
constexpr std::size_t kMaxResponseBodyBytes = 256 * 1024;
// Vendor text goes into Status messages and from there into logs: keep it one short line.
constexpr std::size_t kMaxVendorTextChars = 300;
// Twilio's "The requested resource … was not found" code, sent with HTTP 404.
constexpr long kTwilioCodeResourceNotFound = 20404;

// Where api_base_url points, split once per request (cheap next to the round trip, and
// the constructor has no way to report a bad URL).
struct Endpoint {
  bool use_tls = true;
  std::string host;
  std::uint16_t port = 443;
  std::string base_path;  // "" or "/prefix", never a trailing slash
};

struct HttpAnswer {
  int http_status = 0;
  std::string reason;
  std::string body;
};

// Twilio's error body {code, message, more_info, status}, or RFC 9457's {title, detail,
// code, status}, reduced to what goes into a Status message.
struct TwilioError {
  int http_status = 0;
  std::optional<long> code;
  std::string message;
};

// `^CA[0-9a-fA-F]{32}$`, checked by hand: the sid goes into the URL path, so anything
// else ("../", "?", "%2F") must never reach the wire.
bool is_call_sid(std::string_view call_sid) {
  if (call_sid.size() != 34 || call_sid.substr(0, 2) != "CA") return false;
  for (const char character : call_sid.substr(2)) {
    if (std::isxdigit(static_cast<unsigned char>(character)) == 0) return false;
  }
  return true;
}

// The account sid is a path segment too; letters and digits keep it one segment.
bool is_path_safe_account_sid(std::string_view account_sid) {
  if (account_sid.empty()) return false;
  for (const char character : account_sid) {
    if (std::isalnum(static_cast<unsigned char>(character)) == 0) return false;
  }
  return true;
}

// Makes untrusted text fit for a one-line message, and removes the auth token should a
// misbehaving server (or proxy) ever echo it back.
std::string sanitize_vendor_text(std::string_view text, std::string_view auth_token) {
  std::string cleaned;
  cleaned.reserve(std::min(text.size(), kMaxVendorTextChars));
  for (const char character : text.substr(0, kMaxVendorTextChars)) {
    cleaned += std::iscntrl(static_cast<unsigned char>(character)) != 0 ? ' ' : character;
  }
  if (!auth_token.empty()) {
    for (std::size_t at = cleaned.find(auth_token); at != std::string::npos;
         at = cleaned.find(auth_token, at)) {
      cleaned.replace(at, auth_token.size(), "[redacted]");
    }
  }
  if (text.size() > kMaxVendorTextChars) cleaned += "...";
  return cleaned;
}

Result<Endpoint> parse_endpoint(const RestClientSettings& settings) {
  if (!is_path_safe_account_sid(settings.account_sid)) {
    return Status(ErrorCode::invalid_config,
                  "twilio account_sid must be a non-empty string of letters and digits (AC…)");
  }
  if (settings.auth_token.empty()) {
    return Status(ErrorCode::invalid_config, "twilio auth_token is empty");
  }
  if (settings.timeout.count() <= 0) {
    return Status(ErrorCode::invalid_config, "twilio REST timeout must be positive");
  }
  try {
    const Poco::URI uri(settings.api_base_url);
    Endpoint endpoint;
    if (uri.getScheme() == "https") {
      endpoint.use_tls = true;
    } else if (uri.getScheme() == "http") {
      endpoint.use_tls = false;
    } else {
      return Status(ErrorCode::invalid_config,
                    fmt::format("twilio api_base_url '{}' must start with https:// or http://",
                                settings.api_base_url));
    }
    if (uri.getHost().empty()) {
      return Status(ErrorCode::invalid_config,
                    fmt::format("twilio api_base_url '{}' has no host", settings.api_base_url));
    }
    if (!uri.getRawQuery().empty() || !uri.getFragment().empty() || !uri.getUserInfo().empty()) {
      return Status(ErrorCode::invalid_config,
                    fmt::format("twilio api_base_url '{}' must be scheme://host[:port][/path] only",
                                settings.api_base_url));
    }
    endpoint.host = uri.getHost();
    endpoint.port = uri.getPort();  // Poco fills in 80/443 from the scheme
    endpoint.base_path = uri.getPath();
    while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/') {
      endpoint.base_path.pop_back();
    }
    return endpoint;
  } catch (const Poco::Exception& error) {
    return Status(ErrorCode::invalid_config,
                  fmt::format("twilio api_base_url is not a URL: {}", error.displayText()));
  }
}

// One verifying TLS context for the process: loading the CA store per request would cost
// more than the request. An SSL_CTX may be shared by sessions on any thread.
Poco::Net::Context::Ptr verifying_tls_context() {
  static const Poco::Net::Context::Ptr context = [] {
    Poco::Net::initializeSSL();  // reference-counted; kept for the process's lifetime
    return Poco::Net::Context::Ptr(new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED,
        9, true));
  }();
  return context;
}

std::unique_ptr<Poco::Net::HTTPClientSession> open_session(const Endpoint& endpoint) {
  if (endpoint.use_tls) {
    return std::make_unique<Poco::Net::HTTPSClientSession>(endpoint.host, endpoint.port,
                                                           verifying_tls_context());
  }
  return std::make_unique<Poco::Net::HTTPClientSession>(endpoint.host, endpoint.port);
}

std::string read_capped_body(std::istream& in) {
  std::string body;
  char buffer[8192];
  while (body.size() < kMaxResponseBodyBytes && in.read(buffer, sizeof buffer).gcount() > 0) {
    body.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  if (body.size() > kMaxResponseBodyBytes) body.resize(kMaxResponseBodyBytes);
  return body;
}

// One POST on a fresh connection. A new session per request keeps the client stateless
// and thread-safe; calls are rare (one create, one hang-up per call) next to a TLS
// handshake's cost. The timeout bounds the connect and each wait for the peer.
Result<HttpAnswer> post_form(const RestClientSettings& settings, const Endpoint& endpoint,
                             const std::string& path, const FormParams& form) {
  const std::string target = endpoint.base_path + path;
  // Names scheme, host and path for the reader; the credentials are never part of it.
  const std::string described = fmt::format("Twilio REST POST {}://{}:{}{}",
                                            endpoint.use_tls ? "https" : "http", endpoint.host,
                                            endpoint.port, target);
  const std::string body = encode_form_urlencoded(form);
  try {
    const auto session = open_session(endpoint);
    const auto timeout_microseconds =
        static_cast<Poco::Timespan::TimeDiff>(settings.timeout.count()) * 1000;
    session->setTimeout(Poco::Timespan(timeout_microseconds));

    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, target,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/x-www-form-urlencoded");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("Accept", "application/json");
    request.set("User-Agent", std::string(kUserAgent));
    request.setKeepAlive(false);
    Poco::Net::HTTPBasicCredentials(settings.account_sid, settings.auth_token)
        .authenticate(request);

    std::ostream& out = session->sendRequest(request);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    out.flush();

    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    HttpAnswer answer;
    answer.http_status = static_cast<int>(response.getStatus());
    answer.reason = response.getReason();
    answer.body = read_capped_body(in);
    // Poco's streams swallow errors while reading the body; the session keeps them.
    if (const Poco::Exception* failure = session->networkException()) failure->rethrow();
    return answer;
  } catch (const Poco::TimeoutException& error) {
    return Status(ErrorCode::timeout,
                  fmt::format("{}: no answer within {} ms ({})", described,
                              settings.timeout.count(), error.displayText()));
  } catch (const Poco::Net::ConnectionRefusedException& error) {
    return Status(ErrorCode::unavailable,
                  fmt::format("{}: connection refused ({})", described, error.displayText()));
  } catch (const Poco::Net::SSLException& error) {
    // Certificate verification failures land here: never retried as plain http.
    return Status(ErrorCode::unavailable,
                  fmt::format("{}: TLS failed ({})", described, error.displayText()));
  } catch (const Poco::Exception& error) {
    // DNS, reset connections, a server that closed without answering: all "can't reach".
    return Status(ErrorCode::unavailable,
                  fmt::format("{}: {}", described, error.displayText()));
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, fmt::format("{}: {}", described, error.what()));
  }
}

TwilioError parse_twilio_error(const HttpAnswer& answer, std::string_view auth_token) {
  TwilioError error;
  error.http_status = answer.http_status;
  const auto json = nlohmann::json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object()) {
    if (const auto code = json.find("code"); code != json.end() && code->is_number_integer()) {
      error.code = code->get<long>();
    }
    for (const char* key : {"message", "detail", "title"}) {
      if (const auto text = json.find(key); text != json.end() && text->is_string()) {
        error.message = sanitize_vendor_text(text->get<std::string>(), auth_token);
        break;
      }
    }
  }
  if (error.message.empty()) {
    error.message =
        sanitize_vendor_text(answer.reason, auth_token) + " (body is not a Twilio error)";
  }
  return error;
}

std::string describe(const TwilioError& error) {
  if (error.code) {
    return fmt::format("Twilio REST {} (code {}): {}", error.http_status, *error.code,
                       error.message);
  }
  return fmt::format("Twilio REST {}: {}", error.http_status, error.message);
}

// The mapping promised in rest_client.h; operations refine it (404 on a hang-up is fine).
ErrorCode error_code_for_http_status(int http_status) {
  if (http_status == 401 || http_status == 403) return ErrorCode::unauthenticated;
  if (http_status == 429) return ErrorCode::rate_limited;
  if (http_status >= 400 && http_status < 500) return ErrorCode::invalid_argument;
  return ErrorCode::vendor_error;  // 5xx, and 1xx/3xx which Twilio never sends here
}

bool is_success(int http_status) { return http_status >= 200 && http_status < 300; }

bool is_gone_call(const TwilioError& error) {
  return error.http_status == 404 || error.code == kTwilioCodeResourceNotFound;
}

std::string calls_path(const RestClientSettings& settings) {
  return fmt::format("{}{}/Calls.json", kApiVersionPath, settings.account_sid);
}

std::string call_path(const RestClientSettings& settings, std::string_view call_sid) {
  return fmt::format("{}{}/Calls/{}.json", kApiVersionPath, settings.account_sid, call_sid);
}

Status invalid_call_sid(std::string_view call_sid) {
  // The caller's value is echoed only when it is short; it is not a secret but may be junk.
  return Status(ErrorCode::invalid_argument,
                fmt::format("'{}' is not a Twilio call sid (CA followed by 32 hex digits)",
                            sanitize_vendor_text(call_sid.substr(0, 40), {})));
}

// POST …/Calls/{sid}.json with `form`; shared by hang_up and update_twiml. An empty
// optional means Twilio accepted the update; otherwise the error it answered with.
Result<std::optional<TwilioError>> update_call(const RestClientSettings& settings,
                                               std::string_view call_sid, const FormParams& form) {
  if (!is_call_sid(call_sid)) return invalid_call_sid(call_sid);
  auto endpoint = parse_endpoint(settings);
  if (!endpoint) return endpoint.status();
  auto answer = post_form(settings, endpoint.value(), call_path(settings, call_sid), form);
  if (!answer) return answer.status();
  if (is_success(answer.value().http_status)) return std::optional<TwilioError>();
  return std::optional<TwilioError>(parse_twilio_error(answer.value(), settings.auth_token));
}

}  // namespace

TwilioRestClient::TwilioRestClient(RestClientSettings settings) : settings_(std::move(settings)) {}

Result<CreatedCall> TwilioRestClient::create_call(const OutboundCallRequest& request) const {
  if (request.to.empty() || request.from.empty() || request.url.empty()) {
    return Status(ErrorCode::invalid_argument, "an outbound call needs to, from and url");
  }
  auto endpoint = parse_endpoint(settings_);
  if (!endpoint) return endpoint.status();

  FormParams form = {
      {"To", request.to}, {"From", request.from}, {"Url", request.url}, {"Method", "POST"}};
  if (!request.status_callback.empty()) {
    form.emplace_back("StatusCallback", request.status_callback);
    form.emplace_back("StatusCallbackMethod", "POST");
    for (const auto& event : request.status_callback_events) {
      form.emplace_back("StatusCallbackEvent", event);
    }
  }
  if (request.timeout_seconds > 0) {
    form.emplace_back("Timeout", std::to_string(request.timeout_seconds));
  }

  auto answer = post_form(settings_, endpoint.value(), calls_path(settings_), form);
  if (!answer) return answer.status();
  const HttpAnswer& reply = answer.value();
  if (reply.http_status != 201 && reply.http_status != 200) {
    const TwilioError error = parse_twilio_error(reply, settings_.auth_token);
    const ErrorCode code = is_success(reply.http_status)
                               ? ErrorCode::vendor_error  // a 2xx that is not "created"
                               : error_code_for_http_status(reply.http_status);
    return Status(code, describe(error));
  }

  const auto json = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  const auto sid = json.is_object() ? json.find("sid") : json.end();
  const auto status = json.is_object() ? json.find("status") : json.end();
  if (!json.is_object() || sid == json.end() || !sid->is_string() ||
      !is_call_sid(sid->get<std::string>()) || status == json.end() || !status->is_string()) {
    return Status(ErrorCode::vendor_error,
                  fmt::format("Twilio REST {}: the created call has no valid sid and status",
                              reply.http_status));
  }
  return CreatedCall{sid->get<std::string>(), status->get<std::string>()};
}

Status TwilioRestClient::hang_up(std::string_view call_sid) const {
  auto outcome = update_call(settings_, call_sid, {{"Status", "completed"}});
  if (!outcome) return outcome.status();
  const std::optional<TwilioError>& error = outcome.value();
  if (!error || is_gone_call(*error)) return Status::ok();
  return Status(error_code_for_http_status(error->http_status), describe(*error));
}

Status TwilioRestClient::update_twiml(std::string_view call_sid, std::string_view twiml) const {
  if (twiml.empty()) return Status(ErrorCode::invalid_argument, "the TwiML document is empty");
  auto outcome = update_call(settings_, call_sid, {{"Twiml", std::string(twiml)}});
  if (!outcome) return outcome.status();
  const std::optional<TwilioError>& error = outcome.value();
  if (!error) return Status::ok();
  // A call that is over cannot take new TwiML; say so precisely, it is not a bad request.
  const ErrorCode code = is_gone_call(*error) ? ErrorCode::not_found
                                              : error_code_for_http_status(error->http_status);
  return Status(code, describe(*error));
}

}  // namespace callagent::twilio
