// The Media Stream socket at the WebSocket level (RFC 6455), through the real host: pings
// are answered, frames Twilio never sends are refused one by one, and a frame that breaks
// the protocol or the size limit closes that stream with its own code.
#include <future>
#include <regex>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/WebSocket.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "host/twilio/media_stream_messages.h"
#include "host/twilio/request_signature.h"
#include "tests/integration/telephony/host_fixture.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/twiml_stream_parser.h"
#include "tools/call-sim/webhook_client.h"

namespace callagent::testing {
namespace {

using ::testing::HasSubstr;
using Poco::Net::WebSocket;

constexpr int kPingFrame = static_cast<int>(WebSocket::FRAME_FLAG_FIN) | static_cast<int>(WebSocket::FRAME_OP_PING);

class WebSocketProtocolTest : public ::testing::Test {
 protected:
  WebSocketProtocolTest() : host(directory, fake_pipeline_config(directory, {"hello there", "goodbye"})) {}

  std::string pending_stream_url() const { return testing::pending_stream_url(host); }

  static std::string path_of(const std::string& url) { return url.substr(url.find('/', url.find("//") + 2)); }

  // A Poco client WebSocket (it masks its frames, as a client must).
  std::unique_ptr<WebSocket> open_stream(const std::string& url) {
    session = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", host.port());
    Poco::Net::HTTPRequest upgrade(Poco::Net::HTTPRequest::HTTP_GET, path_of(url), Poco::Net::HTTPMessage::HTTP_1_1);
    upgrade.set("X-Twilio-Signature", twilio::compute_signature(kTestAuthToken, url, {}));
    Poco::Net::HTTPResponse response;
    auto socket = std::make_unique<WebSocket>(*session, upgrade, response);
    socket->setReceiveTimeout(Poco::Timespan(10, 0));
    return socket;
  }

  // The next frame that is not a media/mark message from the host (the greeting plays).
  static std::pair<int, std::string> next_control_frame(WebSocket& socket) {
    for (;;) {
      Poco::Buffer<char> buffer(0);
      int flags = 0;
      const int size = socket.receiveFrame(buffer, flags);
      const int opcode = flags & WebSocket::FRAME_OP_BITMASK;
      if (size == 0 && flags == 0) return {-1, ""};
      if (opcode == WebSocket::FRAME_OP_TEXT) continue;
      return {opcode, std::string(buffer.begin(), buffer.size())};
    }
  }

  static void start(WebSocket& socket) {
    const std::string connected = twilio::serialize_connected();
    socket.sendFrame(connected.data(), static_cast<int>(connected.size()));
    const std::string text = twilio::serialize_start(test_start_message());
    socket.sendFrame(text.data(), static_cast<int>(text.size()));
  }

  static int close_code(const std::string& payload) {
    return payload.size() < 2 ? 1005
                              : (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
  }

  TemporaryDirectory directory;
  RunningHost host;
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
};

TEST_F(WebSocketProtocolTest, APingIsAnsweredWithItsPayloadAndABinaryFrameIsOneBadFrame) {
  auto socket = open_stream(pending_stream_url());
  start(*socket);
  const std::string ping = "are you there?";
  socket->sendFrame(ping.data(), static_cast<int>(ping.size()), kPingFrame);
  const auto pong = next_control_frame(*socket);
  EXPECT_EQ(pong.first, WebSocket::FRAME_OP_PONG);
  EXPECT_EQ(pong.second, ping);

  const std::string binary(160, '\xFF');
  socket->sendFrame(binary.data(), static_cast<int>(binary.size()), WebSocket::FRAME_BINARY);
  // Still open: a second ping is still answered.
  socket->sendFrame(ping.data(), static_cast<int>(ping.size()), kPingFrame);
  EXPECT_EQ(next_control_frame(*socket).first, WebSocket::FRAME_OP_PONG);
  EXPECT_TRUE(host.process().wait_for_output(std::regex("binary or fragmented frame"), std::chrono::seconds(10)));
  socket->shutdown();
}

TEST_F(WebSocketProtocolTest, AFrameOverTheReadableLimitClosesWith1009) {
  auto socket = open_stream(pending_stream_url());
  start(*socket);
  const std::string huge(2 * 1024 * 1024, 'x');
  try {
    socket->sendFrame(huge.data(), static_cast<int>(huge.size()));
  } catch (const Poco::Exception&) {
    // The host may close before it has all of it.
  }
  const auto closed = next_control_frame(*socket);
  ASSERT_EQ(closed.first, WebSocket::FRAME_OP_CLOSE);
  EXPECT_EQ(close_code(closed.second), 1009);
}

TEST_F(WebSocketProtocolTest, AnUnmaskedFrameIsAProtocolErrorClosedWith1002) {
  const std::string url = pending_stream_url();
  Poco::Net::StreamSocket raw(Poco::Net::SocketAddress("127.0.0.1", host.port()));
  raw.setReceiveTimeout(Poco::Timespan(10, 0));
  const std::string upgrade = "GET " + path_of(url) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(host.port()) +
                              "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Twilio-Signature: " +
                              twilio::compute_signature(kTestAuthToken, url, {}) + "\r\n\r\n";
  // The first frame goes out with the request, unmasked: the host must take it from the
  // bytes its HTTP parser read ahead.
  const std::string unmasked = std::string("\x81\x05", 2) + "hello";
  const std::string request = upgrade + unmasked;
  raw.sendBytes(request.data(), static_cast<int>(request.size()));
  std::string received;
  char buffer[4096];
  try {
    for (;;) {
      const int size = raw.receiveBytes(buffer, sizeof buffer);
      if (size <= 0) break;
      received.append(buffer, static_cast<std::size_t>(size));
    }
  } catch (const Poco::Exception& error) {
    ADD_FAILURE() << "reading the host's answer: " << error.displayText() << "\nafter " << received.size()
                  << " bytes: " << received << "\n" << host.output();
  }
  ASSERT_THAT(received, HasSubstr("HTTP/1.1 101")) << host.output();
  EXPECT_THAT(received, HasSubstr("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
  const std::string frames = received.substr(received.find("\r\n\r\n") + 4);
  ASSERT_GE(frames.size(), 4U) << host.output();
  EXPECT_EQ(static_cast<unsigned char>(frames[0]), 0x88) << "a close frame";
  EXPECT_EQ(close_code(frames.substr(2)), 1002);
  // The host logs before it closes, but its output reaches us through a pipe.
  EXPECT_TRUE(host.process().wait_for_output(std::regex("unmasked frame from the client"), std::chrono::seconds(10)));
}

}  // namespace
}  // namespace callagent::testing
