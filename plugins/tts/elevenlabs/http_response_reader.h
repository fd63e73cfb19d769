// A small HTTP/1.1 response reader over any byte source: status line, headers, and a body
// in Content-Length, chunked or read-until-close framing.
//
// Why not Poco's HTTPClientSession: Poco 1.11 ends a chunked or fixed-length body silently
// when the peer disconnects early, so a stream cut mid-utterance would look like a complete
// one. Here an early end throws HttpTruncated, which the session reports as vendor_error.
//
// Threading: none of its own; used by one thread at a time. Lifetime: borrows `source`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace callagent::plugins {

// Where the reader's bytes come from. read_some returns 0 at end of stream and throws on
// errors (a Poco::TimeoutException for a receive timeout).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::size_t read_some(std::uint8_t* data, std::size_t size_bytes) = 0;
};

// The peer closed before the response was complete.
struct HttpTruncated : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The bytes are not HTTP.
struct HttpMalformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct HttpResponseHead {
  int status = 0;
  bool chunked = false;
  std::optional<std::size_t> content_length;
  bool keep_alive = true;  // HTTP/1.1 default, off with "Connection: close" or HTTP/1.0
};

class HttpResponseReader {
 public:
  explicit HttpResponseReader(ByteSource& source) : source_(source) {}

  // Reads up to the blank line after the headers. Skips 1xx interim responses.
  HttpResponseHead read_head();
  // Copies the next body bytes into `data`; 0 once the body has properly ended.
  std::size_t read_body(std::uint8_t* data, std::size_t size_bytes);
  // Reads the rest of the body, up to `limit_bytes` kept (an error page, say).
  std::string read_body_text(std::size_t limit_bytes);
  // True once read_body has returned 0: the connection may then carry the next request.
  bool body_complete() const noexcept { return body_complete_; }
  // Bytes taken from the source so far: 0 means the peer never answered at all.
  std::size_t bytes_received() const noexcept { return bytes_received_; }

 private:
  static constexpr std::size_t kBufferBytes = 4096;
  static constexpr std::size_t kMaxLineBytes = 8192;

  bool fill();  // false at end of stream
  std::string read_line();
  std::size_t take(std::uint8_t* data, std::size_t size_bytes);

  ByteSource& source_;
  std::uint8_t buffer_[kBufferBytes] = {};
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t bytes_received_ = 0;

  HttpResponseHead head_;
  std::size_t remaining_ = 0;  // in the current chunk, or of the Content-Length body
  bool chunk_open_ = false;
  bool body_complete_ = false;
};

}  // namespace callagent::plugins
