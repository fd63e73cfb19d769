// One stream-input WebSocket to ElevenLabs (protocols.md §5.2), in two steps: the TCP (and
// TLS) connection, which can be opened ahead of time, then the HTTP upgrade, which can not
// (see elevenlabs_ws_session.h for why).
//
// The upgrade is written here rather than left to Poco's WebSocket client constructor:
// that constructor needs a fresh HTTPClientSession (it cannot use a connection opened
// earlier), answers a 401 by retrying, and drops the error body that carries the vendor's
// reason. Same approach as stt_deepgram's vendor_socket.
//
// Threading: everything but abort() runs on the owning session's worker. abort() may be
// called from any thread: it shuts the descriptor down (safe beside a blocked read), so a
// handshake or read in progress returns at once.
// Lifetime: owned by one session; close() or the destructor releases the connection.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/WebSocket.h>

#include "callagent/plugin_api/status.h"
#include "elevenlabs_tts_config.h"

namespace callagent::plugins {

struct UpgradeOutcome {
  Status status;           // ok: socket() is ready. The message never holds the key.
  bool retryable = false;  // 429, 5xx, network trouble
  bool stale = false;      // a connection opened ahead of time that the server had dropped
  // For ProviderMetrics::vendor_request: "101", the refusing HTTP status, "timeout" or
  // "network_error".
  std::string metric_status;
};

class StreamInputSocket {
 public:
  // `tls_context` is needed (non-null) when endpoint.tls; shared with the provider.
  StreamInputSocket(ElevenLabsEndpoint endpoint, int connect_timeout_ms, Poco::Net::Context::Ptr tls_context);
  ~StreamInputSocket();
  StreamInputSocket(const StreamInputSocket&) = delete;
  StreamInputSocket& operator=(const StreamInputSocket&) = delete;

  // Resolves, connects and (wss) completes the TLS handshake; no HTTP yet. Throws
  // Poco::Exception. Drops whatever was open before.
  void connect_transport();
  bool has_transport() const noexcept { return transport_open_; }
  // Upgrades the open transport (or a new one) to a WebSocket at `target`, authenticated by
  // the xi-api-key header. Waits at most connect_timeout_ms for the answer.
  UpgradeOutcome upgrade(const std::string& target, const std::string& api_key);
  bool is_open() const noexcept { return websocket_ != nullptr; }
  Poco::Net::WebSocket& socket() { return *websocket_; }
  // Sends a close frame (best effort, bounded), then closes.
  void close_gracefully(int code) noexcept;
  // Closes without a word; next time starts with a fresh connection.
  void close() noexcept;
  // Any thread: breaks the worker's blocked handshake, read or write.
  void abort() noexcept;

 private:
  void set_descriptor(int descriptor);

  const ElevenLabsEndpoint endpoint_;
  const int connect_timeout_ms_;
  const Poco::Net::Context::Ptr tls_context_;
  Poco::Net::StreamSocket transport_;  // worker only: connected, not yet upgraded
  bool transport_open_ = false;        // worker only
  // Kept beside the WebSocket: the socket came from it and it must not go first.
  std::unique_ptr<Poco::Net::HTTPClientSession> http_;  // worker only
  std::unique_ptr<Poco::Net::WebSocket> websocket_;     // worker only

  std::mutex descriptor_mutex_;
  int descriptor_ = -1;  // guarded: what abort() may shut down; -1 when closed
};

}  // namespace callagent::plugins
