// The WebSocket client end of a Media Stream, as Twilio opens it: a GET upgrade to the
// <Stream url> signed with X-Twilio-Signature over that URL exactly as the TwiML wrote it
// and no params (../shared/protocols.md §2.1 step 10), then JSON text frames both ways.
//
// Threading: connect() starts one reader thread per stream that receives frames and calls
// the handlers, or, given a CallDriver, has the driver's thread read whenever the socket
// is readable (a load of many streams then needs no thread per stream). send_text() and close() may be called from any thread; all socket I/O is
// serialised by one internal lock, because an OpenSSL connection must not be read and
// written concurrently. The reader waits for data outside that lock (poll), so a quiet
// host never blocks senders.
//
// Lifetime: the handlers must stay valid until close() returns or the object is
// destroyed; both join the reader thread (or leave the driver's watch list, waiting out a
// read in progress). A driver must outlive the streams it reads. Handlers must not call close() (they run on
// the thread close() joins); they may call send_text().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <Poco/Buffer.h>

#include "callagent/plugin_api/status.h"
#include "tools/call-sim/call_driver.h"
#include "tools/call-sim/http_connection.h"

namespace Poco::Net {
class WebSocket;
}  // namespace Poco::Net

namespace callagent::callsim {

struct StreamConnectRequest {
  // Where to connect: ws://, wss://, http:// or https:// (ws → http, wss → https).
  std::string connect_url;
  // The <Stream url> exactly as in the TwiML: what the signature covers. May differ from
  // connect_url when the simulator reaches a public wss:// URL through the host's address.
  std::string signed_url;
  std::string auth_token;  // empty: no X-Twilio-Signature header (secret; never logged)
};

// How the stream ended.
struct StreamCloseInfo {
  // The close frame's status code (1000 normal, 1001 going away, …); 1005 for a close
  // frame without a code; 1006 when the connection dropped without any close frame.
  std::uint16_t code = 1006;
  std::string reason;
  // true: the host closed first (or the connection dropped); false: this is the host's
  // answer to our own close().
  bool initiated_by_host = true;
};

class StreamClient {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Handlers {
    // Each text frame (fragments joined) with the moment it was read. Reader thread.
    std::function<void(std::string_view text, TimePoint received_at)> on_text;
    // Exactly once when the stream ends (host close, dropped connection, or the host's
    // answer to our close). Reader thread, or close()'s thread if the reader never saw it.
    std::function<void(const StreamCloseInfo& close)> on_closed;
  };

  // Opens the connection and upgrades it (blocking, bounded by `settings`), then starts the
  // reader. Errors: "cannot connect to host …" (unavailable), "stream upgrade refused:
  // HTTP 403 Forbidden" (with the host's status; unauthenticated for 400/401/403,
  // unavailable otherwise), invalid_argument for a bad URL.
  // `driver`: read on its thread instead of a thread of our own (plain ws:// only in
  // practice: a TLS read may block mid-record, holding up every stream on the driver).
  static Result<std::unique_ptr<StreamClient>> connect(const StreamConnectRequest& request,
                                                       const ConnectionSettings& settings,
                                                       Handlers handlers, CallDriver* driver = nullptr);

  ~StreamClient();
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  // One text frame. Fails (unavailable) once the stream is closed or the socket errs.
  Status send_text(std::string_view text);

  // Sends a close frame with `code` and `reason` (unless the host already closed), waits
  // up to `wait_for_answer` for the host's close frame, then shuts the socket and joins the
  // reader. Idempotent. Must not be called from a handler.
  void close(std::uint16_t code, std::string_view reason,
             std::chrono::milliseconds wait_for_answer = std::chrono::milliseconds(2000));

  bool is_open() const noexcept { return !closed_.load(); }
  // The close as seen so far; empty while open.
  std::optional<StreamCloseInfo> close_info() const;

 private:
  StreamClient(std::unique_ptr<Poco::Net::WebSocket> socket, Handlers handlers);

  void read_loop();
  bool wait_readable();
  // The driver found the socket readable: reads every frame there is.
  void on_readable();
  // Reads one frame and hands it on; false when the stream is over (closed or lost).
  bool read_frame();
  // Records the end of the stream once and calls on_closed.
  void finish(StreamCloseInfo close);

  std::unique_ptr<Poco::Net::WebSocket> socket_;
  Handlers handlers_;

  std::mutex io_mutex_;          // every read and write of socket_
  std::atomic<bool> stopping_{false};     // close() asked the reader to stop
  std::atomic<bool> close_sent_{false};   // a close frame went out from us
  std::atomic<bool> closed_{false};       // the stream is over (no more frames either way)
  std::atomic<bool> close_called_{false};

  mutable std::mutex state_mutex_;
  std::condition_variable closed_changed_;
  std::optional<StreamCloseInfo> close_info_;

  // Only the reader (thread or driver callback, never both) touches these.
  Poco::Buffer<char> frame_;
  std::string message_;  // text being assembled from fragments
  bool reading_over_ = false;

  std::thread reader_;
  CallDriver* driver_ = nullptr;
  CallDriver::WatchId watch_id_ = 0;
};

}  // namespace callagent::callsim
