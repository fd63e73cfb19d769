// The fake's stream-input socket on its own, driven by a bare Poco WebSocket client: the key
// may come in the first message under either spelling (protocols.md §5.2), a wrong one is
// an error message and close 1008, and the answers are in the observed format.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include <Poco/Buffer.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/WebSocket.h>
#include <nlohmann/json.hpp>

#include "tools/mock-vendors/elevenlabs/fake_elevenlabs.h"

namespace callagent::plugins {
namespace {

using callagent::mock::FakeElevenLabs;

constexpr const char* kTarget = "/v1/text-to-speech/v/stream-input?model_id=m&output_format=ulaw_8000";

struct Frame {
  int opcode = 0;
  std::string payload;
};

class BareClient {
 public:
  explicit BareClient(const FakeElevenLabs& fake) : http_("127.0.0.1", fake.port()) {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, kTarget, Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse response;
    socket_ = std::make_unique<Poco::Net::WebSocket>(http_, request, response);  // no xi-api-key header
    socket_->setReceiveTimeout(Poco::Timespan(10, 0));
  }
  void send(const std::string& text) {
    socket_->sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
  }
  // Answers the server's close frame, as a client should.
  void answer_close() { socket_->shutdown(); }
  Frame receive() {
    Poco::Buffer<char> buffer(0);
    int flags = 0;
    socket_->receiveFrame(buffer, flags);
    return {flags & Poco::Net::WebSocket::FRAME_OP_BITMASK, std::string(buffer.begin(), buffer.size())};
  }

 private:
  Poco::Net::HTTPClientSession http_;
  std::unique_ptr<Poco::Net::WebSocket> socket_;
};

int close_code(const Frame& frame) {
  if (frame.payload.size() < 2) return 0;
  return (static_cast<unsigned char>(frame.payload[0]) << 8U) | static_cast<unsigned char>(frame.payload[1]);
}

void expect_key_accepted(const char* field) {
  FakeElevenLabs fake;
  BareClient client(fake);
  client.send(std::string(R"({"text":" ",")") + field + R"(":"fake-elevenlabs-key"})");
  client.send(R"({"text":"Hi "})");
  const Frame audio = client.receive();
  ASSERT_EQ(audio.opcode, Poco::Net::WebSocket::FRAME_OP_TEXT);
  const auto message = nlohmann::json::parse(audio.payload);
  EXPECT_TRUE(message["isFinal"].is_null());
  EXPECT_EQ(message["alignment"]["chars"], nlohmann::json::parse(R"(["H","i"," "])"));
  EXPECT_EQ(message["alignment"]["charStartTimesMs"], nlohmann::json::parse("[0,10,20]"));
  EXPECT_EQ(message["alignment"]["charDurationsMs"], nlohmann::json::parse("[10,10,10]"));
  EXPECT_EQ(message["normalizedAlignment"], message["alignment"]);
  EXPECT_EQ(message["audio"].get<std::string>().size(), fake.audio_for("Hi ").size() / 3 * 4);
  client.send(R"({"text":""})");
  EXPECT_EQ(client.receive().payload, R"({"audio":null,"isFinal":true,"normalizedAlignment":null,"alignment":null})");
  const Frame close = client.receive();
  EXPECT_EQ(close.opcode, Poco::Net::WebSocket::FRAME_OP_CLOSE);
  EXPECT_EQ(close_code(close), 1000);
  client.answer_close();
  ASSERT_TRUE(fake.wait_sockets_ended(std::chrono::seconds(10)));
  const auto sockets = fake.socket_sessions();
  ASSERT_EQ(sockets.size(), 1u);
  EXPECT_EQ(sockets[0].messages.size(), 3u);
  EXPECT_TRUE(sockets[0].final_sent);
  EXPECT_EQ(sockets[0].client_close_code, 1000);
}

TEST(FakeElevenLabsStreamInput, AcceptsTheKeyInTheFirstMessageWithAHyphen) { expect_key_accepted("xi-api-key"); }

TEST(FakeElevenLabsStreamInput, AcceptsTheKeyInTheFirstMessageWithAnUnderscore) { expect_key_accepted("xi_api_key"); }

TEST(FakeElevenLabsStreamInput, WrongKeyInTheFirstMessageIsAnErrorThenClose1008) {
  FakeElevenLabs fake;
  BareClient client(fake);
  client.send(R"({"text":" ","xi_api_key":"wrong"})");
  const auto error = nlohmann::json::parse(client.receive().payload);
  EXPECT_EQ(error["message"], "Invalid API key");
  const Frame close = client.receive();
  EXPECT_EQ(close.opcode, Poco::Net::WebSocket::FRAME_OP_CLOSE);
  EXPECT_EQ(close_code(close), 1008);
}

TEST(FakeElevenLabsStreamInput, BindsTheConfiguredPort) {
  std::uint16_t port = 0;
  {
    FakeElevenLabs first;
    port = first.port();
  }  // freed again
  callagent::mock::FakeElevenLabsSettings settings;
  settings.port = port;
  FakeElevenLabs fake(settings);
  EXPECT_EQ(fake.port(), port);
  EXPECT_EQ(fake.base_url(), "http://127.0.0.1:" + std::to_string(port));
}

}  // namespace
}  // namespace callagent::plugins
