// The fake's stream-input WebSocket (protocols.md §5.2); see fake_elevenlabs.h for what it
// answers and which faults it plays.
#include <chrono>
#include <deque>
#include <string>
#include <vector>

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/URI.h>

#include "tools/mock-vendors/elevenlabs/fake_elevenlabs_state.h"

namespace callagent::mock::detail {
namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr int kPollMicroseconds = 20'000;
constexpr int kNormalClose = 1000;
constexpr int kPolicyViolation = 1008;

std::string base64(const std::uint8_t* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  for (std::size_t i = 0; i < size; i += 3) {
    const std::uint32_t a = data[i];
    const std::uint32_t b = i + 1 < size ? data[i + 1] : 0U;
    const std::uint32_t c = i + 2 < size ? data[i + 2] : 0U;
    const std::uint32_t triple = (a << 16U) | (b << 8U) | c;
    out += kAlphabet[(triple >> 18U) & 0x3FU];
    out += kAlphabet[(triple >> 12U) & 0x3FU];
    out += i + 1 < size ? kAlphabet[(triple >> 6U) & 0x3FU] : '=';
    out += i + 2 < size ? kAlphabet[triple & 0x3FU] : '=';
  }
  return out;
}

// UTF-8 code points: the vendor's alignment lists characters, not bytes.
std::vector<std::string> characters(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80 ? 1 : (lead >> 5U) == 0x6 ? 2 : (lead >> 4U) == 0xE ? 3 : (lead >> 3U) == 0x1E ? 4 : 1;
    if (i + length > text.size()) length = text.size() - i;
    out.push_back(text.substr(i, length));
    i += length;
  }
  return out;
}

// One socket's conversation. Lives on the handler's thread.
class StreamInputConversation {
 public:
  StreamInputConversation(FakeElevenLabsState& state, Poco::Net::WebSocket& socket, std::size_t index,
                          std::optional<ElevenLabsFault> fault, bool key_checked)
      : state_(state), socket_(socket), index_(index), fault_(fault), key_checked_(key_checked) {}

  void run() {
    socket_.setReceiveTimeout(Poco::Timespan(5, 0));
    socket_.setSendTimeout(Poco::Timespan(5, 0));
    for (;;) {
      if (state_.is_stopping()) return;
      if (pending_.empty()) {
        if (!socket_.poll(Poco::Timespan(0, kPollMicroseconds), Poco::Net::Socket::SELECT_READ)) continue;
        if (!read_one()) return;
        continue;
      }
      const std::string text = std::move(pending_.front());
      pending_.pop_front();
      if (!answer(text)) return;
    }
  }

 private:
  // Reads one frame: a text is queued; false when the client closed or went away.
  bool read_one() {
    Poco::Buffer<char> buffer(0);
    int flags = 0;
    const int size = socket_.receiveFrame(buffer, flags);
    const int opcode = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
    if (size == 0 && flags == 0) {
      record([](ElevenLabsSocketSession& session) { session.client_closed_early = !session.final_sent; });
      return false;
    }
    if (opcode == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
      int code = 1005;
      if (buffer.size() >= 2) code = (static_cast<unsigned char>(buffer[0]) << 8U) | static_cast<unsigned char>(buffer[1]);
      record([&](ElevenLabsSocketSession& session) {
        session.client_close_code = code;
        session.client_closed_early = !session.final_sent;
      });
      try {
        socket_.shutdown();  // the answering close frame
      } catch (const Poco::Exception&) {
      }
      return false;
    }
    if (opcode == Poco::Net::WebSocket::FRAME_OP_TEXT) {
      std::string text(buffer.begin(), buffer.size());
      record([&](ElevenLabsSocketSession& session) { session.messages.push_back(text); });
      pending_.push_back(std::move(text));
    }
    return true;
  }

  template <typename Change>
  void record(Change change) {
    {
      std::lock_guard lock(state_.mutex);
      change(state_.sockets[index_]);
    }
    state_.wake.notify_all();
  }

  void send(const std::string& text) {
    socket_.sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
  }
  // The server's half of the close handshake (RFC 6455 §7): send the close frame, then wait
  // for the client's before the TCP connection goes, so text the client had in flight meets
  // a live socket (ignored) rather than a reset.
  void close_with(int code, const std::string& reason) {
    socket_.shutdown(static_cast<Poco::UInt16>(code), reason);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline && !state_.is_stopping()) {
      if (!socket_.poll(Poco::Timespan(0, kPollMicroseconds), Poco::Net::Socket::SELECT_READ)) continue;
      Poco::Buffer<char> buffer(0);
      int flags = 0;
      const int size = socket_.receiveFrame(buffer, flags);
      if (size == 0 && flags == 0) return;
      if ((flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
        int client_code = 1005;
        if (buffer.size() >= 2) {
          client_code = (static_cast<unsigned char>(buffer[0]) << 8U) | static_cast<unsigned char>(buffer[1]);
        }
        record([&](ElevenLabsSocketSession& session) { session.client_close_code = client_code; });
        return;
      }
    }
  }
  void send_error_and_close(const std::string& error, const std::string& message) {
    send(OrderedJson{{"message", message}, {"error", error}}.dump());
    close_with(kPolicyViolation, error);
  }

  // Answers one client message; false when the conversation is over.
  bool answer(const std::string& text) {
    const nlohmann::json message = nlohmann::json::parse(text, nullptr, false);
    if (!message.is_object() || !message.contains("text") || !message["text"].is_string()) {
      send_error_and_close("invalid_message", "Every message must be a JSON object with a \"text\" string.");
      return false;
    }
    const std::string content = message["text"].get<std::string>();
    if (first_message_) {
      first_message_ = false;
      if (!key_checked_) {
        // No header: the key may come in the first message, under either spelling (§5.2).
        const std::string& expected = state_.settings.api_key;
        const bool ok = (message.contains("xi-api-key") && message["xi-api-key"] == expected) ||
                        (message.contains("xi_api_key") && message["xi_api_key"] == expected);
        if (!ok) {
          send_error_and_close("invalid_api_key", "Invalid API key");
          return false;
        }
      }
      return true;  // InitializeConnection: " " plus settings, no audio
    }
    if (content.empty()) {
      send(R"({"audio":null,"isFinal":true,"normalizedAlignment":null,"alignment":null})");
      record([](ElevenLabsSocketSession& session) { session.final_sent = true; });
      close_with(kNormalClose, "");
      return false;
    }
    if (fault_ == ElevenLabsFault::socket_error_close) {
      send_error_and_close("internal_error", "An internal error occurred while generating audio.");
      return false;
    }
    return speak(content);
  }

  // The AudioOutput messages for one text; false when the conversation is over.
  bool speak(const std::string& text) {
    const FakeElevenLabsSettings& settings = state_.settings;
    const std::vector<std::uint8_t> audio = FakeElevenLabs::tone(
        static_cast<std::size_t>(settings.ms_per_character) * text.size() * 8);
    const std::vector<std::string> chars = characters(text);
    const std::size_t per_message =
        settings.socket_chars_per_message == 0 ? chars.size() : settings.socket_chars_per_message;
    const bool cut = fault_ == ElevenLabsFault::disconnect_mid_stream && !audio_sent_;
    if (!audio_sent_ && fault_ == ElevenLabsFault::slow_first_byte && !state_.pause_ms(settings.slow_first_byte_ms)) {
      return false;
    }
    if (!state_.pause_ms(settings.first_audio_delay_ms)) return false;
    std::size_t byte_at = 0;  // into `audio`
    for (std::size_t first = 0; first < chars.size(); first += per_message) {
      if (first > 0) {
        if (!state_.pause_ms(settings.write_interval_ms)) return false;
        // A close or a new text may have come meanwhile: a close ends it here.
        while (socket_.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) {
          if (!read_one()) return false;
        }
      }
      const std::size_t last = std::min(chars.size(), first + per_message);
      OrderedJson alignment;
      std::vector<std::string> message_chars;
      std::vector<std::int64_t> starts;
      std::vector<std::int64_t> durations;
      std::int64_t at_ms = 0;
      std::size_t bytes = 0;
      for (std::size_t i = first; i < last; ++i) {
        const auto duration = static_cast<std::int64_t>(settings.ms_per_character) *
                              static_cast<std::int64_t>(chars[i].size());
        message_chars.push_back(chars[i]);
        starts.push_back(at_ms);
        durations.push_back(duration);
        at_ms += duration;
        bytes += static_cast<std::size_t>(duration) * 8;
      }
      // Times relative to this message's audio, as the vendor sends them.
      alignment["chars"] = message_chars;
      alignment["charStartTimesMs"] = starts;
      alignment["charDurationsMs"] = durations;
      OrderedJson output;
      std::size_t count = std::min(bytes, audio.size() - byte_at);
      if (cut && byte_at + count > audio.size() / 2) count = audio.size() / 2 - byte_at;
      output["audio"] = base64(audio.data() + byte_at, count);
      output["isFinal"] = nullptr;
      output["normalizedAlignment"] = alignment;
      output["alignment"] = alignment;
      send(output.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      audio_sent_ = true;
      byte_at += count;
      if (cut && byte_at >= audio.size() / 2) {
        socket_.close();  // no close frame: a dropped TCP connection
        return false;
      }
    }
    return true;
  }

  FakeElevenLabsState& state_;
  Poco::Net::WebSocket& socket_;
  const std::size_t index_;
  const std::optional<ElevenLabsFault> fault_;
  const bool key_checked_;
  bool first_message_ = true;
  bool audio_sent_ = false;
  std::deque<std::string> pending_;  // texts read while an answer was being written
};

}  // namespace

void serve_stream_input(FakeElevenLabsState& state, Poco::Net::HTTPServerRequest& request,
                        Poco::Net::HTTPServerResponse& response) {
  ElevenLabsSocketSession recorded;
  const std::string& uri = request.getURI();
  const std::size_t question = uri.find('?');
  recorded.path = uri.substr(0, question);
  recorded.query = question == std::string::npos ? std::string() : uri.substr(question + 1);
  recorded.api_key_header = request.get("xi-api-key", "");
  const bool has_header = request.has("xi-api-key");
  const std::optional<ElevenLabsFault> fault = state.take_fault();
  std::size_t index = 0;
  {
    std::lock_guard lock(state.mutex);
    index = state.sockets.size();
    state.sockets.push_back(recorded);
  }
  const auto end = [&](bool upgraded) {
    {
      std::lock_guard lock(state.mutex);
      state.sockets[index].upgraded = upgraded;
      state.sockets[index].ended = true;
    }
    state.wake.notify_all();
  };

  const std::string prefix = "/v1/text-to-speech/";
  if (request.getMethod() != "GET" || recorded.path.rfind(prefix, 0) != 0) {
    send_json(response, Poco::Net::HTTPResponse::HTTP_NOT_FOUND, {{"detail", "Not Found"}});
    end(false);
    return;
  }
  if (fault == ElevenLabsFault::refuse) {
    drop_connection(request);
    end(false);
    return;
  }
  if ((has_header && recorded.api_key_header != state.settings.api_key) || fault == ElevenLabsFault::unauthorized) {
    send_json(response, Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED, detail_error("invalid_api_key", "Invalid API key"));
    end(false);
    return;
  }
  if (fault == ElevenLabsFault::rate_limited) {
    send_json(response, Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS,
              detail_error("too_many_concurrent_requests",
                           "Too many concurrent requests. Your current subscription allows 2 concurrent requests."));
    end(false);
    return;
  }
  if (fault == ElevenLabsFault::server_error) {
    send_json(response, Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
              detail_error("internal_server_error", "An internal error occurred."));
    end(false);
    return;
  }
  if (("&" + recorded.query + "&").find("&output_format=ulaw_8000&") == std::string::npos) {
    send_json(response, Poco::Net::HTTPResponse::HTTP_UNPROCESSABLE_ENTITY,
              {{"detail", nlohmann::json::array({{{"loc", {"query", "output_format"}},
                                                  {"msg", "expected output_format=ulaw_8000 in this fake"},
                                                  {"type", "value_error"}}})}});
    end(false);
    return;
  }
  try {
    Poco::Net::WebSocket socket(request, response);
    {
      std::lock_guard lock(state.mutex);
      state.sockets[index].upgraded = true;
    }
    StreamInputConversation(state, socket, index, fault, has_header).run();
  } catch (const Poco::Exception&) {
    // The client went away, or the fake is stopping.
    std::lock_guard lock(state.mutex);
    ElevenLabsSocketSession& session = state.sockets[index];
    if (session.upgraded && !session.final_sent) session.client_closed_early = true;
  }
  bool upgraded = false;
  {
    std::lock_guard lock(state.mutex);
    upgraded = state.sockets[index].upgraded;
  }
  end(upgraded);
}

}  // namespace callagent::mock::detail
