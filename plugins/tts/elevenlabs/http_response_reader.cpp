#include "http_response_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

namespace callagent::plugins {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trim(const std::string& text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const std::size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace

bool HttpResponseReader::fill() {
  begin_ = 0;
  end_ = source_.read_some(buffer_, kBufferBytes);
  bytes_received_ += end_;
  return end_ > 0;
}

std::string HttpResponseReader::read_line() {
  std::string line;
  for (;;) {
    if (begin_ == end_ && !fill()) throw HttpTruncated("connection closed inside the response head");
    const char c = static_cast<char>(buffer_[begin_++]);
    if (c == '\n') break;
    line += c;
    if (line.size() > kMaxLineBytes) throw HttpMalformed("response line too long");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::size_t HttpResponseReader::take(std::uint8_t* data, std::size_t size_bytes) {
  if (begin_ == end_ && !fill()) return 0;
  const std::size_t count = std::min(size_bytes, end_ - begin_);
  std::memcpy(data, buffer_ + begin_, count);
  begin_ += count;
  return count;
}

HttpResponseHead HttpResponseReader::read_head() {
  for (;;) {
    const std::string status_line = read_line();
    // "HTTP/1.1 200 OK"
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
      throw HttpMalformed("not an HTTP response");
    }
    HttpResponseHead head;
    const char* code_begin = status_line.data() + 9;
    const auto [code_end, error] = std::from_chars(code_begin, code_begin + 3, head.status);
    if (error != std::errc() || code_end != code_begin + 3) throw HttpMalformed("bad status code");
    head.keep_alive = status_line.compare(0, 8, "HTTP/1.0") != 0;

    for (std::string line = read_line(); !line.empty(); line = read_line()) {
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) throw HttpMalformed("bad header line");
      const std::string name = lower(trim(line.substr(0, colon)));
      const std::string value = trim(line.substr(colon + 1));
      if (name == "transfer-encoding" && lower(value).find("chunked") != std::string::npos) {
        head.chunked = true;
      } else if (name == "content-length") {
        std::size_t length = 0;
        const auto [end, parse_error] = std::from_chars(value.data(), value.data() + value.size(), length);
        if (parse_error != std::errc() || end != value.data() + value.size()) throw HttpMalformed("bad Content-Length");
        head.content_length = length;
      } else if (name == "connection") {
        const std::string token = lower(value);
        if (token.find("close") != std::string::npos) head.keep_alive = false;
        if (token.find("keep-alive") != std::string::npos) head.keep_alive = true;
      }
    }
    if (head.status >= 100 && head.status < 200) continue;  // 100 Continue and friends

    head_ = head;
    if (head.chunked) {
      head_.content_length.reset();
    } else if (head.content_length) {
      remaining_ = *head.content_length;
    } else if (head.status == 204 || head.status == 304) {
      remaining_ = 0;
      head_.content_length = 0;
    } else {
      head_.keep_alive = false;  // the body runs until the peer closes
    }
    body_complete_ = !head_.chunked && head_.content_length && *head_.content_length == 0;
    return head_;
  }
}

std::size_t HttpResponseReader::read_body(std::uint8_t* data, std::size_t size_bytes) {
  if (body_complete_ || size_bytes == 0) return 0;
  if (head_.chunked) {
    while (!chunk_open_) {
      const std::string line = read_line();
      const std::size_t end = line.find_first_of("; \t");
      const std::string digits = line.substr(0, end);
      std::size_t size = 0;
      const auto [parsed_end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), size, 16);
      if (digits.empty() || error != std::errc() || parsed_end != digits.data() + digits.size()) {
        throw HttpMalformed("bad chunk size");
      }
      if (size == 0) {
        while (!read_line().empty()) {
        }  // trailers, then the blank line that ends the message
        body_complete_ = true;
        return 0;
      }
      remaining_ = size;
      chunk_open_ = true;
    }
    const std::size_t count = take(data, std::min(size_bytes, remaining_));
    if (count == 0) throw HttpTruncated("connection closed inside a chunk");
    remaining_ -= count;
    if (remaining_ == 0) {
      if (!read_line().empty()) throw HttpMalformed("chunk not followed by CRLF");
      chunk_open_ = false;
    }
    return count;
  }
  if (head_.content_length) {
    const std::size_t count = take(data, std::min(size_bytes, remaining_));
    if (count == 0) throw HttpTruncated("connection closed before Content-Length bytes");
    remaining_ -= count;
    if (remaining_ == 0) body_complete_ = true;
    return count;
  }
  const std::size_t count = take(data, size_bytes);
  if (count == 0) body_complete_ = true;  // read-until-close: the close is the end
  return count;
}

std::string HttpResponseReader::read_body_text(std::size_t limit_bytes) {
  std::string text;
  std::uint8_t chunk[1024];
  for (std::size_t count = read_body(chunk, sizeof chunk); count > 0; count = read_body(chunk, sizeof chunk)) {
    if (text.size() < limit_bytes) {
      text.append(reinterpret_cast<const char*>(chunk), std::min(count, limit_bytes - text.size()));
    }
  }
  return text;
}

}  // namespace callagent::plugins
