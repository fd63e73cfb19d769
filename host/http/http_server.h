// The host's HTTP(S) server: Poco's HTTPServer dispatching through a Router.
//
// Threading: start()/stop() from the main thread. Requests run on the server's own
// thread pool (HttpServerSettings::threads). The router must outlive the server.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "callagent/plugin_api/status.h"
#include "host/http/router.h"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
class ServerSocket;
}  // namespace Net
}  // namespace Poco

namespace callagent::host {

struct HttpServerSettings {
  std::string bind_address = "0.0.0.0";
  std::uint16_t port = 3000;   // 0: any free port (tests); see HttpServer::port()
  int threads = 16;
  int max_queued_connections = 256;
  std::chrono::seconds keep_alive_timeout{15};
  // Both set: serve HTTPS (and WSS) with this PEM certificate chain and key (Poco NetSSL);
  // both empty: plain HTTP, for hosts behind a TLS-terminating proxy or tunnel.
  std::string tls_certificate_file;
  std::string tls_private_key_file;
};

class HttpServer {
 public:
  HttpServer(HttpServerSettings settings, const Router& router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Fails with a message naming the address on bind errors.
  Status start();
  // The port actually bound (useful with port 0).
  std::uint16_t port() const noexcept { return bound_port_; }
  // Stops accepting new connections, gives requests in flight up to `grace` to finish,
  // then aborts the rest and joins the threads. Idempotent.
  void stop(std::chrono::milliseconds grace);

 private:
  Poco::Net::ServerSocket make_listening_socket() const;

  HttpServerSettings settings_;
  const Router& router_;
  std::unique_ptr<Poco::ThreadPool> thread_pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t bound_port_ = 0;
};

}  // namespace callagent::host
