// One keep-alive HTTP(S) connection to the model server, for streaming responses.
//
// Why not plain Poco::Net::HTTPClientSession: a turn must be abortable from another
// thread (cancel() closes the connection so the blocked read returns at once), and a
// connection should be opened ahead of the first turn so the TLS handshake is off the
// turn's critical path. This wraps a session to do both.
//
// Threading: everything but abort() belongs to one worker thread. abort() may be called
// from any thread at any time; it shuts the socket down with ::shutdown(2) — a syscall
// that is safe next to a blocked read — under a mutex that the worker holds whenever it
// swaps or closes the socket, so the descriptor is never reused under it.
// Lifetime: owned by the session worker; destroyed on the worker's owner after the join.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>

#include "callagent/plugin_api/status.h"

namespace callagent::plugins::openai {

struct HttpEndpoint {
  bool tls = true;
  std::string host;
  std::uint16_t port = 443;
  std::string path_prefix;  // e.g. "/v1", without a trailing '/'
};

// Splits a checked base_url (see openai_config.h).
Result<HttpEndpoint> parse_endpoint(const std::string& base_url);

struct HttpResponseHead {
  int status = 0;
  std::string retry_after;     // "Retry-After" (seconds), empty when absent
  std::string retry_after_ms;  // "retry-after-ms", empty when absent
};

// Thrown out of the worker-side calls once abort() was called; nothing to report then.
struct HttpAborted {};

class HttpStreamClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // `tls_context` is required when endpoint.tls; shared by the provider's sessions.
  HttpStreamClient(HttpEndpoint endpoint, std::chrono::milliseconds connect_timeout,
                   Poco::Net::Context::Ptr tls_context);
  ~HttpStreamClient();
  HttpStreamClient(const HttpStreamClient&) = delete;
  HttpStreamClient& operator=(const HttpStreamClient&) = delete;

  // --- worker thread ---
  // Forgets an earlier abort(); call before each attempt.
  void arm();
  // Opens the connection now if there is none, so the next send() skips the handshake.
  // Throws Poco::Exception on failure.
  void warm_up();
  // POSTs `body` to prefix + `path` and reads the response head. Reuses the open
  // connection when the server kept it. Throws Poco::Exception or HttpAborted.
  HttpResponseHead send(std::string_view path, const std::string& body, const Headers& headers,
                        std::chrono::milliseconds receive_timeout);
  // Reads the next piece of the body into `buffer` (blocking for at least one byte);
  // 0 at the end of the body. Throws Poco::Exception (timeout, reset) or HttpAborted.
  std::size_t read_some(char* buffer, std::size_t size);
  // Reads what is left of the body, up to `limit_bytes` (error bodies). Throws like read_some.
  std::string read_rest(std::size_t limit_bytes);
  // Changes how long a read may wait for the next byte on the open connection.
  void set_receive_timeout(std::chrono::milliseconds timeout);
  // Drops the connection; the next send() opens a new one. Call after an abort, a
  // failure, or a body left unread.
  void reset() noexcept;

  // --- any thread ---
  void abort() noexcept;

 private:
  void open();               // connect if needed, then expose the socket to abort()
  void throw_if_aborted();

  const HttpEndpoint endpoint_;
  const std::chrono::milliseconds connect_timeout_;
  const Poco::Net::Context::Ptr tls_context_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;  // worker only
  std::istream* body_ = nullptr;                           // worker only; owned by session_

  std::mutex socket_mutex_;
  int active_socket_fd_ = -1;     // guarded: the descriptor abort() may shut down
  bool abort_requested_ = false;  // guarded
};

}  // namespace callagent::plugins::openai
