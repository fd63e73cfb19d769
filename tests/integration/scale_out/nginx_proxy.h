// Debian's nginx as a WebSocket-capable round-robin load balancer in front of several
// hosts on loopback, the shape of config/nginx/callagent.conf: its own temporary prefix
// (config, pid, logs), a free port, `daemon off` so the test owns the process.
//
// When nginx is not installed the constructor throws std::runtime_error saying how to
// install it: the test fails rather than skips (CI installs nginx-light with
// `scripts/install-deps.sh --with-tests`).
//
// Threading: use from the test thread. Lifetime: nginx is stopped in the destructor.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace callagent::testing {

class NginxProxy {
 public:
  static constexpr const char* kProgram = "/usr/sbin/nginx";

  // Listens on `listen_port` (0: a free one) and spreads requests over the upstreams.
  explicit NginxProxy(const std::vector<std::uint16_t>& upstream_ports, std::uint16_t listen_port = 0);
  ~NginxProxy();
  NginxProxy(const NginxProxy&) = delete;
  NginxProxy& operator=(const NginxProxy&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // nginx's error log (to its stderr; the access log is off).
  std::string error_log() const;

 private:
  std::uint16_t port_ = 0;
  TemporaryDirectory directory_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace callagent::testing
