#include "tools/call-sim/http_connection.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>
#include <fmt/format.h>

namespace callagent::callsim {
namespace {

Poco::Timespan to_timespan(std::chrono::milliseconds duration) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(duration.count()) * 1000);
}

Poco::Net::Context::Ptr make_tls_context(bool verify_certificates) {
  Poco::Net::Context::Ptr context(new Poco::Net::Context(
      Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
      verify_certificates ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE,
      9, /*loadDefaultCAs=*/true));
  // TLS 1.3 servers send session tickets after the handshake; a blocking SSL_read that
  // swallows one then waits for application data while holding the stream's I/O lock,
  // stalling the caller's 20 ms frames. TLS 1.2 has no such post-handshake records.
  context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                            Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1 |
                            Poco::Net::Context::PROTO_TLSV1_3);
  return context;
}

// One context per verification mode for the whole process: loading the CA store per
// call would cost more than the call's handshake. An SSL_CTX may be shared across threads.
Poco::Net::Context::Ptr tls_context(bool verify_certificates) {
  static const Poco::Net::Context::Ptr verifying = [] {
    Poco::Net::initializeSSL();  // reference-counted; kept for the process's lifetime
    auto context = make_tls_context(true);
    // Without an explicit handler Poco looks for a Poco::Util::Application config when a
    // certificate fails and throws a confusing error; rejecting gives the plain one.
    Poco::Net::SSLManager::instance().initializeClient(
        nullptr, new Poco::Net::RejectCertificateHandler(false), context);
    return context;
  }();
  static const Poco::Net::Context::Ptr accepting = [] {
    (void)verifying;
    return make_tls_context(false);
  }();
  return verify_certificates ? verifying : accepting;
}

}  // namespace

Result<HttpTarget> parse_http_target(std::string_view url) {
  try {
    const Poco::URI uri{std::string(url)};
    HttpTarget target;
    target.scheme = uri.getScheme();
    if (target.scheme != "http" && target.scheme != "https" && target.scheme != "ws" &&
        target.scheme != "wss") {
      return Status(ErrorCode::invalid_argument,
                    fmt::format("URL {} is not http, https, ws or wss", url));
    }
    if (uri.getHost().empty()) {
      return Status(ErrorCode::invalid_argument, fmt::format("URL {} has no host", url));
    }
    target.host = uri.getHost();
    target.port = uri.getPort();
    if (target.port == 0) target.port = target.uses_tls() ? 443 : 80;  // Poco knows http(s) only
    target.path_and_query = uri.getPathEtc();
    if (target.path_and_query.empty()) target.path_and_query = "/";
    return target;
  } catch (const Poco::Exception& error) {
    return Status(ErrorCode::invalid_argument,
                  fmt::format("URL {} does not parse: {}", url, error.displayText()));
  }
}

std::unique_ptr<Poco::Net::HTTPClientSession> open_http_session(const HttpTarget& target,
                                                                 const ConnectionSettings& settings) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (target.uses_tls()) {
    session = std::make_unique<Poco::Net::HTTPSClientSession>(
        target.host, target.port, tls_context(settings.verify_tls_certificates));
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(target.host, target.port);
  }
  session->setTimeout(to_timespan(settings.connect_timeout), to_timespan(settings.io_timeout),
                      to_timespan(settings.io_timeout));
  return session;
}

Result<std::string> rebase_url(std::string_view url, std::string_view base_url) {
  auto target = parse_http_target(url);
  if (!target) return target.status();
  auto base = parse_http_target(base_url);
  if (!base) return base.status();
  const bool websocket = target.value().scheme == "ws" || target.value().scheme == "wss";
  std::string scheme = base.value().scheme;
  if (websocket && scheme == "http") scheme = "ws";
  if (websocket && scheme == "https") scheme = "wss";
  const std::string& host = base.value().host;
  const bool ipv6_literal = host.find(':') != std::string::npos;
  return fmt::format("{}://{}{}{}:{}{}", scheme, ipv6_literal ? "[" : "", host,
                     ipv6_literal ? "]" : "", base.value().port, target.value().path_and_query);
}

std::string describe_connection_error(const HttpTarget& target, const std::exception& error) {
  std::string detail = error.what();
  if (const auto* poco_error = dynamic_cast<const Poco::Exception*>(&error)) {
    detail = poco_error->displayText();
  }
  return fmt::format("cannot connect to host {}:{}: {}", target.host, target.port, detail);
}

}  // namespace callagent::callsim
