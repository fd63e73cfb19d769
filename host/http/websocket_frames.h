// RFC 6455 framing for the server side of a WebSocket: frames read from a client (always
// masked) and frames written to it (never masked).
//
// Why not Poco's WebSocket: its receiveFrame() makes a recv(2) for the first two header
// bytes, one for the extended length, one for the mask and one for the payload — four
// syscalls per Twilio media frame, 200 a second per call — and a fresh buffer each time.
// The reader here takes whatever one recv(2) returned into a buffer it keeps, and hands
// out every whole frame in it, unmasked in place.
//
// Threading: none (one reader per connection, used by its reading thread). Lifetime: a
// frame's payload points into the reader's buffer and is valid until the next call of
// next() or receive_space().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace callagent::host {

enum class WebSocketOpcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Close codes the host sends (RFC 6455 §7.4.1).
inline constexpr std::uint16_t kWebSocketCloseNormal = 1000;
inline constexpr std::uint16_t kWebSocketCloseProtocolError = 1002;
inline constexpr std::uint16_t kWebSocketClosePolicyViolation = 1008;
inline constexpr std::uint16_t kWebSocketCloseTooBig = 1009;
inline constexpr std::uint16_t kWebSocketCloseInternalError = 1011;

struct WebSocketFrame {
  WebSocketOpcode opcode = WebSocketOpcode::text;
  bool final_fragment = true;
  std::string_view payload;  // unmasked; see the lifetime note above
};

class WebSocketFrameReader {
 public:
  enum class Next {
    frame,           // `frame` holds the next whole frame
    need_more,       // receive more bytes first
    too_big,         // the header announces more than max_payload_bytes (close 1009)
    protocol_error,  // not a valid client frame (close 1002); `error` says why
  };

  explicit WebSocketFrameReader(std::size_t max_payload_bytes);

  // Room for at least `min_bytes` more received bytes; pass what arrived to commit().
  std::span<char> receive_space(std::size_t min_bytes = 4096);
  void commit(std::size_t received_bytes);
  // Bytes the peer sent before the reader existed (e.g. read ahead with the upgrade).
  void append(std::string_view bytes);

  Next next(WebSocketFrame& frame, std::string& error);
  // Drops every byte received and not yet handed out (a stream that is closing).
  void discard() noexcept { begin_ = end_ = 0; }
  std::size_t buffered_bytes() const noexcept { return end_ - begin_; }

 private:
  const std::size_t max_payload_bytes_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // first byte not yet handed out
  std::size_t end_ = 0;    // one past the last received byte
};

// Appends one whole, unmasked server frame (FIN set) to `out`.
void append_websocket_frame(WebSocketOpcode opcode, std::string_view payload, std::string& out);
// A close frame's payload: the code (network order) and a reason of at most 123 bytes.
void append_websocket_close(std::uint16_t code, std::string_view reason, std::string& out);

// A received close frame's code: 1005 ("no status") when it carries none.
std::uint16_t websocket_close_code(std::string_view close_payload) noexcept;

}  // namespace callagent::host
