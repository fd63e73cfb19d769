// One keep-alive TCP (or TLS) connection to the vendor, owned by one session's worker.
//
// Why its own class: the worker reuses the connection across requests (and opens it ahead
// of time) so no TCP or TLS handshake sits between a sentence and its first audio byte; and
// cancel() must be able to break a blocked read from another thread.
//
// Threading: connect/send_all/read_some/close run on the owning worker only. abort() may be
// called from any thread at any time: it shuts the socket down with a plain shutdown(2) on
// the descriptor (safe beside a blocked read, unlike closing it), which makes the worker's
// read return at once. A connect in progress is not interrupted: it ends within the
// connect timeout.
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>

#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>

#include "elevenlabs_tts_config.h"
#include "http_response_reader.h"

namespace callagent::plugins {

class HttpConnection final : public ByteSource {
 public:
  // `tls_context` is needed (non-null) when endpoint.tls; shared with the provider.
  HttpConnection(ElevenLabsEndpoint endpoint, int connect_timeout_ms, Poco::Net::Context::Ptr tls_context);
  ~HttpConnection() override;
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Resolves, connects and (for https) completes the TLS handshake. Throws Poco::Exception.
  void connect();
  bool connected() const noexcept { return connected_; }
  void set_receive_timeout_ms(int timeout_ms);
  void send_all(std::string_view bytes);
  std::size_t read_some(std::uint8_t* data, std::size_t size_bytes) override;
  // Drops the connection; the next request connects afresh.
  void close() noexcept;
  // Any thread: breaks the worker's blocked read or write.
  void abort() noexcept;

 private:
  const ElevenLabsEndpoint endpoint_;
  const int connect_timeout_ms_;
  const Poco::Net::Context::Ptr tls_context_;
  Poco::Net::StreamSocket socket_;  // worker only
  bool connected_ = false;          // worker only

  std::mutex descriptor_mutex_;
  int descriptor_ = -1;  // guarded: what abort() may shut down; -1 when closed
};

}  // namespace callagent::plugins
