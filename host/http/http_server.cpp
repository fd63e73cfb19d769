#include "host/http/http_server.h"

#include <thread>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SSLException.h>
#include <Poco/ThreadPool.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "host/http/http_responses.h"

namespace callagent::host {
namespace {

// One per request (Poco's model): holds the route match made by the factory.
class RoutedRequestHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RoutedRequestHandler(Router::Match match) : match_(std::move(match)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    if (match_.handler == nullptr) {
      answer_unrouted(request, response);
      return;
    }
    try {
      (*match_.handler)(request, response, match_.params);
    } catch (const std::exception& error) {
      spdlog::error("http: {} {} ({}) failed: {}", request.getMethod(), match_.route, match_.route,
                    error.what());
      if (!response.sent()) send_json_error(response, Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal error");
    }
  }

 private:
  void answer_unrouted(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) {
    if (!match_.allowed_methods.empty()) {
      response.set("Allow", fmt::format("{}", fmt::join(match_.allowed_methods, ", ")));
      send_json_error(response, Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
                      fmt::format("method {} not allowed here", request.getMethod()));
      return;
    }
    send_json_error(response, Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "not found");
  }

  Router::Match match_;
};

class RoutedHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RoutedHandlerFactory(const Router& router) : router_(router) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override {
    return new RoutedRequestHandler(router_.match(request.getMethod(), request.getURI()));
  }

 private:
  const Router& router_;
};

}  // namespace

Poco::Net::ServerSocket HttpServer::make_listening_socket() const {
  const Poco::Net::SocketAddress address(settings_.bind_address, settings_.port);
  const bool tls = !settings_.tls_certificate_file.empty();
  Poco::Net::ServerSocket socket;
  if (tls) {
    // Modern clients only; the certificate is the operator's (no client certificates).
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_SERVER_USE, settings_.tls_private_key_file,
        settings_.tls_certificate_file, "", Poco::Net::Context::VERIFY_NONE, 9, false,
        "ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH");
    context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                              Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
    socket = Poco::Net::SecureServerSocket(context);
  }
  // SO_REUSEADDR for quick restarts, but not SO_REUSEPORT: a second host on a taken port must fail.
  socket.bind(address, true, false);
  socket.listen(settings_.max_queued_connections);
  return socket;
}

HttpServer::HttpServer(HttpServerSettings settings, const Router& router)
    : settings_(std::move(settings)), router_(router) {}

HttpServer::~HttpServer() { stop(std::chrono::milliseconds(0)); }

Status HttpServer::start() {
  try {
    Poco::Net::ServerSocket socket = make_listening_socket();
    bound_port_ = socket.address().port();

    auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
    params->setMaxThreads(settings_.threads);
    params->setMaxQueued(settings_.max_queued_connections);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(settings_.keep_alive_timeout.count(), 0));
    params->setServerName("callagent");

    thread_pool_ = std::make_unique<Poco::ThreadPool>(2, settings_.threads);
    server_ = std::make_unique<Poco::Net::HTTPServer>(
        Poco::makeShared<RoutedHandlerFactory>(router_), *thread_pool_, socket, params);
    server_->start();
    return Status::ok();
  } catch (const Poco::Net::SSLException& error) {
    return Status(ErrorCode::invalid_config,
                  fmt::format("server.tls: cannot use certificate {} with key {}: {}",
                              settings_.tls_certificate_file, settings_.tls_private_key_file,
                              error.displayText()));
  } catch (const Poco::Exception& error) {
    return Status(ErrorCode::unavailable,
                  fmt::format("cannot listen on {}:{}: {}", settings_.bind_address, settings_.port,
                              error.displayText()));
  }
}

void HttpServer::stop(std::chrono::milliseconds grace) {
  if (!server_) return;
  server_->stop();  // no new connections; those being served continue
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (server_->currentConnections() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  server_->stopAll(true);  // abort what is left (keep-alive idlers, slow clients)
  thread_pool_->joinAll();
  server_.reset();
  thread_pool_.reset();
}

}  // namespace callagent::host
