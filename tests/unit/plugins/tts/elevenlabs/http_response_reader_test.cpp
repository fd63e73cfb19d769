// The response reader over canned bytes, delivered in awkward pieces.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "http_response_reader.h"

namespace callagent::plugins {
namespace {

// Hands out `text` at most `step` bytes per read, then end of stream.
class CannedSource final : public ByteSource {
 public:
  CannedSource(std::string text, std::size_t step) : text_(std::move(text)), step_(step) {}
  std::size_t read_some(std::uint8_t* data, std::size_t size_bytes) override {
    const std::size_t count = std::min({size_bytes, step_, text_.size() - at_});
    std::memcpy(data, text_.data() + at_, count);
    at_ += count;
    return count;
  }

 private:
  std::string text_;
  std::size_t step_;
  std::size_t at_ = 0;
};

std::string read_all(HttpResponseReader& reader) {
  std::string body;
  std::uint8_t buffer[64];
  for (std::size_t n = reader.read_body(buffer, sizeof buffer); n > 0; n = reader.read_body(buffer, sizeof buffer)) {
    body.append(reinterpret_cast<const char*>(buffer), n);
  }
  return body;
}

TEST(HttpResponseReader, ReadsAChunkedBody) {
  for (std::size_t step : {1u, 3u, 1000u}) {
    CannedSource source(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: audio/basic\r\n\r\n"
        "5\r\nhello\r\nB;ext=1\r\n 01234567\r\n\r\n0\r\nX-Trailer: t\r\n\r\n",
        step);
    HttpResponseReader reader(source);
    const HttpResponseHead head = reader.read_head();
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.chunked);
    EXPECT_TRUE(head.keep_alive);
    EXPECT_EQ(read_all(reader), "hello 01234567\r\n");
    EXPECT_TRUE(reader.body_complete());
  }
}

TEST(HttpResponseReader, ReadsAContentLengthBodyAndConnectionClose) {
  CannedSource source("HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnopeEXTRA", 7);
  HttpResponseReader reader(source);
  const HttpResponseHead head = reader.read_head();
  EXPECT_EQ(head.status, 401);
  EXPECT_FALSE(head.keep_alive);
  EXPECT_EQ(reader.read_body_text(100), "nope");
}

TEST(HttpResponseReader, SkipsInterimResponses) {
  CannedSource source("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", 5);
  HttpResponseReader reader(source);
  EXPECT_EQ(reader.read_head().status, 204);
  EXPECT_EQ(read_all(reader), "");
}

TEST(HttpResponseReader, AnEarlyEndIsTruncation) {
  CannedSource cut_chunk("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly-part", 4);
  HttpResponseReader chunked(cut_chunk);
  chunked.read_head();
  EXPECT_THROW(read_all(chunked), HttpTruncated);

  CannedSource cut_between("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", 4);
  HttpResponseReader between(cut_between);
  between.read_head();
  EXPECT_THROW(read_all(between), HttpTruncated);

  CannedSource cut_length("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 4);
  HttpResponseReader length(cut_length);
  length.read_head();
  EXPECT_THROW(read_all(length), HttpTruncated);

  CannedSource nothing("", 4);
  HttpResponseReader empty(nothing);
  EXPECT_THROW(empty.read_head(), HttpTruncated);
  EXPECT_EQ(empty.bytes_received(), 0u);
}

TEST(HttpResponseReader, GarbageIsMalformed) {
  CannedSource garbage("SSH-2.0-OpenSSH\r\n\r\n", 100);
  HttpResponseReader reader(garbage);
  EXPECT_THROW(reader.read_head(), HttpMalformed);

  CannedSource bad_chunk("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 100);
  HttpResponseReader chunked(bad_chunk);
  chunked.read_head();
  EXPECT_THROW(read_all(chunked), HttpMalformed);
}

}  // namespace
}  // namespace callagent::plugins
