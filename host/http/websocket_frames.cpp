#include "host/http/websocket_frames.h"

#include <algorithm>
#include <cstring>

namespace callagent::host {
namespace {

constexpr std::uint8_t kFinBit = 0x80;
constexpr std::uint8_t kReservedBits = 0x70;
constexpr std::uint8_t kOpcodeBits = 0x0F;
constexpr std::uint8_t kMaskBit = 0x80;
constexpr std::uint8_t kLengthBits = 0x7F;
constexpr std::size_t kMaxControlPayload = 125;
constexpr std::size_t kMaxCloseReason = kMaxControlPayload - 2;

bool known_opcode(std::uint8_t opcode) {
  switch (static_cast<WebSocketOpcode>(opcode)) {
    case WebSocketOpcode::continuation:
    case WebSocketOpcode::text:
    case WebSocketOpcode::binary:
    case WebSocketOpcode::close:
    case WebSocketOpcode::ping:
    case WebSocketOpcode::pong:
      return true;
  }
  return false;
}

bool is_control(std::uint8_t opcode) { return (opcode & 0x08U) != 0; }

}  // namespace

WebSocketFrameReader::WebSocketFrameReader(std::size_t max_payload_bytes) : max_payload_bytes_(max_payload_bytes) {}

std::span<char> WebSocketFrameReader::receive_space(std::size_t min_bytes) {
  // Frames already handed out are no longer referenced: move the rest to the front.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() - end_ < min_bytes) buffer_.resize(end_ + min_bytes);
  return {buffer_.data() + end_, buffer_.size() - end_};
}

void WebSocketFrameReader::commit(std::size_t received_bytes) {
  end_ += std::min(received_bytes, buffer_.size() - end_);
}

void WebSocketFrameReader::append(std::string_view bytes) {
  const std::span<char> space = receive_space(bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  commit(bytes.size());
}

WebSocketFrameReader::Next WebSocketFrameReader::next(WebSocketFrame& frame, std::string& error) {
  const std::size_t available = end_ - begin_;
  if (available < 2) return Next::need_more;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(buffer_.data() + begin_);
  const std::uint8_t opcode = bytes[0] & kOpcodeBits;
  if ((bytes[0] & kReservedBits) != 0) {
    error = "reserved bits set (no extension was negotiated)";
    return Next::protocol_error;
  }
  if (!known_opcode(opcode)) {
    error = "unknown opcode " + std::to_string(opcode);
    return Next::protocol_error;
  }
  if ((bytes[1] & kMaskBit) == 0) {
    error = "unmasked frame from the client";
    return Next::protocol_error;
  }
  const bool final_fragment = (bytes[0] & kFinBit) != 0;
  std::size_t header_bytes = 2;
  std::uint64_t payload_bytes = bytes[1] & kLengthBits;
  if (payload_bytes == 126) {
    header_bytes += 2;
    if (available < header_bytes) return Next::need_more;
    payload_bytes = (std::uint64_t{bytes[2]} << 8U) | bytes[3];
  } else if (payload_bytes == 127) {
    header_bytes += 8;
    if (available < header_bytes) return Next::need_more;
    payload_bytes = 0;
    for (std::size_t i = 2; i < 10; ++i) payload_bytes = (payload_bytes << 8U) | bytes[i];
    if ((payload_bytes >> 63U) != 0) {
      error = "payload length with the most significant bit set";
      return Next::protocol_error;
    }
  }
  if (is_control(opcode) && (payload_bytes > kMaxControlPayload || !final_fragment)) {
    error = "control frame longer than 125 bytes or fragmented";
    return Next::protocol_error;
  }
  if (payload_bytes > max_payload_bytes_) return Next::too_big;
  header_bytes += 4;  // the masking key
  if (available < header_bytes + payload_bytes) return Next::need_more;

  const std::uint8_t* mask = bytes + header_bytes - 4;
  char* payload = buffer_.data() + begin_ + header_bytes;
  for (std::size_t i = 0; i < payload_bytes; ++i) payload[i] = static_cast<char>(payload[i] ^ mask[i % 4]);
  frame.opcode = static_cast<WebSocketOpcode>(opcode);
  frame.final_fragment = final_fragment;
  frame.payload = std::string_view(payload, static_cast<std::size_t>(payload_bytes));
  begin_ += header_bytes + static_cast<std::size_t>(payload_bytes);
  return Next::frame;
}

void append_websocket_frame(WebSocketOpcode opcode, std::string_view payload, std::string& out) {
  out.push_back(static_cast<char>(kFinBit | static_cast<std::uint8_t>(opcode)));
  const std::size_t size = payload.size();
  if (size < 126) {
    out.push_back(static_cast<char>(size));
  } else if (size <= 0xFFFF) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>((size >> 8U) & 0xFFU));
    out.push_back(static_cast<char>(size & 0xFFU));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(size) >> static_cast<unsigned>(shift)) & 0xFFU));
    }
  }
  out.append(payload);
}

void append_websocket_close(std::uint16_t code, std::string_view reason, std::string& out) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8U));
  payload.push_back(static_cast<char>(code & 0xFFU));
  payload.append(reason.substr(0, kMaxCloseReason));
  append_websocket_frame(WebSocketOpcode::close, payload, out);
}

std::uint16_t websocket_close_code(std::string_view close_payload) noexcept {
  if (close_payload.size() < 2) return 1005;
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(close_payload[0]) << 8U) |
                                    static_cast<std::uint8_t>(close_payload[1]));
}

}  // namespace callagent::host
