#include "tests/integration/scale_out/nginx_proxy.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/integration/telephony/host_fixture.h"

namespace callagent::testing {
namespace {

using namespace std::chrono_literals;

std::string nginx_config(const std::string& prefix, std::uint16_t port,
                         const std::vector<std::uint16_t>& upstream_ports) {
  std::ostringstream config;
  config << "worker_processes 1;\n"
         << "pid " << prefix << "/nginx.pid;\n"
         // stderr, which the workers inherit: they run as nobody when root starts nginx and
         // could not write a log file the master created.
         << "error_log stderr warn;\n"
         // Root starts its workers as nobody; they only proxy, nothing to read or write.
         << "events { worker_connections 1024; }\n"
         << "http {\n"
         << "  access_log off;\n"
         << "  client_body_temp_path " << prefix << "/body;\n"
         << "  proxy_temp_path " << prefix << "/proxy;\n"
         << "  fastcgi_temp_path " << prefix << "/fastcgi;\n"
         << "  uwsgi_temp_path " << prefix << "/uwsgi;\n"
         << "  scgi_temp_path " << prefix << "/scgi;\n"
         << "  upstream callagent_hosts {\n";
  // max_fails=0: one failed attempt must not take a host out of the rotation for the rest
  // of a test that checks the rotation itself.
  for (const auto upstream : upstream_ports) {
    config << "    server 127.0.0.1:" << upstream << " max_fails=0;\n";
  }
  config << "    keepalive 16;\n"
         << "  }\n"
         << "  map $http_upgrade $callagent_connection { default upgrade; '' ''; }\n"
         << "  server {\n"
         << "    listen 127.0.0.1:" << port << ";\n"
         << "    location / {\n"
         << "      proxy_pass http://callagent_hosts;\n"
         << "      proxy_http_version 1.1;\n"
         << "      proxy_set_header Upgrade $http_upgrade;\n"
         << "      proxy_set_header Connection $callagent_connection;\n"
         << "      proxy_set_header Host $host;\n"
         << "      proxy_read_timeout 3600s;\n"
         << "      proxy_send_timeout 3600s;\n"
         << "      proxy_buffering off;\n"
         << "    }\n"
         << "  }\n"
         << "}\n";
  return config.str();
}

}  // namespace

NginxProxy::NginxProxy(const std::vector<std::uint16_t>& upstream_ports, std::uint16_t listen_port)
    : port_(listen_port != 0 ? listen_port : free_port()) {
  if (!std::filesystem::exists(kProgram)) {
    throw std::runtime_error(std::string(kProgram) +
                             " is missing: install it with `scripts/install-deps.sh --with-tests` "
                             "(Debian package nginx-light)");
  }
  // Workers running as nobody must be able to reach the temp paths under the prefix.
  std::filesystem::permissions(directory_.path(), std::filesystem::perms::owner_all |
                                                      std::filesystem::perms::group_exec |
                                                      std::filesystem::perms::others_exec);
  const std::string config_file =
      directory_.write_file("nginx.conf", nginx_config(directory_.path(), port_, upstream_ports));
  process_ = std::make_unique<ChildProcess>(
      kProgram, std::vector<std::string>{"-p", directory_.path(), "-c", config_file, "-g", "daemon off;"});
  // nginx prints nothing when it starts well: wait for its port to answer.
  for (int attempt = 0; attempt < 100; ++attempt) {
    try {
      (void)http_request(port_, "GET", "/healthz");
      return;
    } catch (const std::exception&) {
      if (process_->wait_for_exit(50ms)) break;
    }
  }
  throw std::runtime_error("nginx did not start:\n" + process_->output() + error_log());
}

NginxProxy::~NginxProxy() {
  process_->send_signal(SIGQUIT);  // graceful: finish open connections, then exit
  if (!process_->wait_for_exit(5s)) process_->send_signal(SIGKILL);
}

std::string NginxProxy::error_log() const { return process_->output(); }

}  // namespace callagent::testing
