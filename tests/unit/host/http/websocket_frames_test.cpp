// RFC 6455 framing: the RFC's own examples (§5.7) and the accept key of §1.3, every way a
// client frame can be invalid, and frames split across reads or packed into one.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "host/http/websocket_frames.h"
#include "host/http/websocket_upgrade.h"

namespace callagent::host {
namespace {

using Next = WebSocketFrameReader::Next;

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (const int value : values) out.push_back(static_cast<char>(value));
  return out;
}

// A client frame as a browser would send it: masked with `mask`.
std::string client_frame(int first_byte, const std::string& payload, std::string mask = "\x11\x22\x33\x44") {
  std::string out;
  out.push_back(static_cast<char>(first_byte));
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(0x80 | payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    out += bytes({0xFE, static_cast<int>(payload.size() >> 8), static_cast<int>(payload.size() & 0xFF)});
  } else {
    out.push_back(static_cast<char>(0xFF));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((payload.size() >> shift) & 0xFF));
  }
  out += mask;
  for (std::size_t i = 0; i < payload.size(); ++i) out.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return out;
}

TEST(WebSocketFrames, TheRfcsMaskedHelloIsUnmasked) {
  WebSocketFrameReader reader(1024);
  reader.append(bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
  WebSocketFrame frame;
  std::string error;
  ASSERT_EQ(reader.next(frame, error), Next::frame);
  EXPECT_EQ(frame.opcode, WebSocketOpcode::text);
  EXPECT_TRUE(frame.final_fragment);
  EXPECT_EQ(frame.payload, "Hello");
  EXPECT_EQ(reader.next(frame, error), Next::need_more);
}

TEST(WebSocketFrames, ServerFramesMatchTheRfcsUnmaskedExamples) {
  std::string out;
  append_websocket_frame(WebSocketOpcode::text, "Hello", out);
  EXPECT_EQ(out, bytes({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
  out.clear();
  append_websocket_frame(WebSocketOpcode::pong, "Hello", out);
  EXPECT_EQ(out.substr(0, 2), bytes({0x8a, 0x05}));
  out.clear();
  append_websocket_frame(WebSocketOpcode::binary, std::string(256, 'x'), out);
  EXPECT_EQ(out.substr(0, 4), bytes({0x82, 0x7E, 0x01, 0x00}));
  EXPECT_EQ(out.size(), 4U + 256U);
  out.clear();
  append_websocket_frame(WebSocketOpcode::binary, std::string(65536, 'x'), out);
  EXPECT_EQ(out.substr(0, 10), bytes({0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}));
}

TEST(WebSocketFrames, CloseFramesCarryTheCodeAndAShortReason) {
  std::string out;
  append_websocket_close(1008, "too many invalid frames", out);
  ASSERT_GE(out.size(), 4U);
  EXPECT_EQ(out.substr(0, 4), bytes({0x88, 2 + 23, 0x03, 0xF0}));
  EXPECT_EQ(websocket_close_code(out.substr(2)), 1008);
  EXPECT_EQ(websocket_close_code(""), 1005);
  out.clear();
  append_websocket_close(1000, std::string(300, 'r'), out);
  EXPECT_EQ(out.size(), 2U + 125U) << "a control frame's payload stays within 125 bytes";
}

TEST(WebSocketFrames, AFrameSplitAcrossReadsWaitsForItsLastByte) {
  const std::string payload(300, 'm');  // a 16-bit length, like a Twilio media frame
  const std::string wire = client_frame(0x81, payload);
  WebSocketFrameReader reader(1024);
  WebSocketFrame frame;
  std::string error;
  for (std::size_t i = 0; i + 1 < wire.size(); ++i) {
    const std::span<char> space = reader.receive_space(1);
    space[0] = wire[i];
    reader.commit(1);
    ASSERT_EQ(reader.next(frame, error), Next::need_more) << "after byte " << i;
  }
  reader.append(wire.substr(wire.size() - 1));
  ASSERT_EQ(reader.next(frame, error), Next::frame);
  EXPECT_EQ(frame.payload, payload);
}

TEST(WebSocketFrames, SeveralFramesInOneReadComeOutInOrder) {
  WebSocketFrameReader reader(1 << 20);
  const std::string big(70000, 'b');  // a 64-bit length
  reader.append(client_frame(0x81, "one") + client_frame(0x89, "ping!") + client_frame(0x82, big) +
                client_frame(0x01, "frag") + client_frame(0x80, "ment") + client_frame(0x88, bytes({0x03, 0xE8})));
  WebSocketFrame frame;
  std::string error;
  ASSERT_EQ(reader.next(frame, error), Next::frame);
  EXPECT_EQ(frame.payload, "one");
  ASSERT_EQ(reader.next(frame, error), Next::frame);
  EXPECT_EQ(frame.opcode, WebSocketOpcode::ping);
  EXPECT_EQ(frame.payload, "ping!");
  ASSERT_EQ(reader.next(frame, error), Next::frame);
  EXPECT_EQ(frame.opcode, WebSocketOpcode::binary);
  EXPECT_EQ(frame.payload, big);
  ASSERT_EQ(reader.next(frame, error), Next::frame);
  EXPECT_FALSE(frame.final_fragment);
  ASSERT_EQ(reader.next(frame, error), Next::frame);
  EXPECT_EQ(frame.opcode, WebSocketOpcode::continuation);
  EXPECT_TRUE(frame.final_fragment);
  ASSERT_EQ(reader.next(frame, error), Next::frame);
  EXPECT_EQ(frame.opcode, WebSocketOpcode::close);
  EXPECT_EQ(websocket_close_code(frame.payload), 1000);
  EXPECT_EQ(reader.next(frame, error), Next::need_more);
  EXPECT_EQ(reader.buffered_bytes(), 0U);
}

TEST(WebSocketFrames, AnAnnouncedPayloadOverTheLimitIsTooBigBeforeItArrives) {
  WebSocketFrameReader reader(1000);
  reader.append(bytes({0x81, 0xFE, 0x03, 0xE9}));  // 1001 bytes announced, none sent
  WebSocketFrame frame;
  std::string error;
  EXPECT_EQ(reader.next(frame, error), Next::too_big);
}

TEST(WebSocketFrames, InvalidClientFramesAreProtocolErrors) {
  const auto verdict = [](const std::string& wire) {
    WebSocketFrameReader reader(1 << 20);
    reader.append(wire);
    WebSocketFrame frame;
    std::string error;
    const Next next = reader.next(frame, error);
    return next == Next::protocol_error ? error : std::string("accepted");
  };
  EXPECT_EQ(verdict(bytes({0x81, 0x05, 'H', 'e', 'l', 'l', 'o'})), "unmasked frame from the client");
  EXPECT_EQ(verdict(client_frame(0xC1, "x")), "reserved bits set (no extension was negotiated)");
  EXPECT_EQ(verdict(client_frame(0x83, "x")), "unknown opcode 3");
  EXPECT_EQ(verdict(client_frame(0x89, std::string(126, 'p'))), "control frame longer than 125 bytes or fragmented");
  EXPECT_EQ(verdict(client_frame(0x09, "p")), "control frame longer than 125 bytes or fragmented");
  EXPECT_EQ(verdict(bytes({0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4})),
            "payload length with the most significant bit set");
  EXPECT_EQ(verdict(client_frame(0x81, "fine")), "accepted");
}

TEST(WebSocketFrames, ReceiveSpaceKeepsUnreadBytesAndPayloadsStayValidUntilThen) {
  WebSocketFrameReader reader(1024);
  const std::string first = client_frame(0x81, "first");
  const std::string second = client_frame(0x81, "second");
  reader.append(first + second.substr(0, 3));
  WebSocketFrame frame;
  std::string error;
  ASSERT_EQ(reader.next(frame, error), Next::frame);
  EXPECT_EQ(frame.payload, "first");
  ASSERT_EQ(reader.next(frame, error), Next::need_more);
  const std::span<char> space = reader.receive_space(second.size());
  std::memcpy(space.data(), second.data() + 3, second.size() - 3);
  reader.commit(second.size() - 3);
  ASSERT_EQ(reader.next(frame, error), Next::frame);
  EXPECT_EQ(frame.payload, "second");
}

TEST(WebSocketUpgrade, AcceptKeyIsTheRfcsExample) {
  EXPECT_EQ(websocket_accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

}  // namespace
}  // namespace callagent::host
