#include "tools/call-sim/stream_client.h"

#include <poll.h>

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/Timespan.h>
#include <fmt/format.h>

#include "host/twilio/request_signature.h"

namespace callagent::callsim {
namespace {

using Poco::Net::WebSocket;

// Host frames are JSON with base64 audio; a few seconds of audio is ~100 KB. Anything
// near this limit is a broken host, not a big utterance.
constexpr int kMaxFramePayloadBytes = 4 << 20;
// How often the reader wakes while the host is quiet, to notice close().
constexpr auto kReaderPollInterval = std::chrono::milliseconds(100);

constexpr std::uint16_t kCloseNoStatus = 1005;
constexpr std::uint16_t kCloseAbnormal = 1006;

Poco::Timespan to_timespan(std::chrono::milliseconds duration) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(duration.count()) * 1000);
}

StreamCloseInfo parse_close_payload(const Poco::Buffer<char>& payload, std::size_t length) {
  StreamCloseInfo close;
  if (length < 2) {
    close.code = kCloseNoStatus;
    return close;
  }
  const auto high = static_cast<unsigned char>(payload[0]);
  const auto low = static_cast<unsigned char>(payload[1]);
  close.code = static_cast<std::uint16_t>((high << 8U) | low);
  close.reason.assign(payload.begin() + 2, length - 2);
  return close;
}

}  // namespace

Result<std::unique_ptr<StreamClient>> StreamClient::connect(const StreamConnectRequest& request,
                                                            const ConnectionSettings& settings,
                                                            Handlers handlers, CallDriver* driver) {
  auto target = parse_http_target(request.connect_url);
  if (!target) return target.status();

  Poco::Net::HTTPRequest upgrade(Poco::Net::HTTPRequest::HTTP_GET, target.value().path_and_query,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  upgrade.set("User-Agent", "Twilio.TmeWs/1.0");
  if (!request.auth_token.empty()) {
    // The upgrade carries no form params: the signature covers the URL alone.
    upgrade.set("X-Twilio-Signature",
                twilio::compute_signature(request.auth_token, request.signed_url, {}));
  }

  auto session = open_http_session(target.value(), settings);
  Poco::Net::HTTPResponse response;
  std::unique_ptr<WebSocket> socket;
  try {
    socket = std::make_unique<WebSocket>(*session, upgrade, response);
  } catch (const Poco::Net::WebSocketException& error) {
    const int status = static_cast<int>(response.getStatus());
    if (status == 0 || status == Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS) {
      return Status(ErrorCode::unavailable,
                    fmt::format("stream upgrade to {} failed: {}", request.connect_url, error.displayText()));
    }
    const bool refused_credentials = status == 400 || status == 401 || status == 403;
    return Status(refused_credentials ? ErrorCode::unauthenticated : ErrorCode::unavailable,
                  fmt::format("stream upgrade refused: HTTP {} {} ({})", status, response.getReason(),
                              request.connect_url));
  } catch (const Poco::TimeoutException& error) {
    return Status(ErrorCode::timeout, fmt::format("stream upgrade to {}: host did not answer in time ({})",
                                                  request.connect_url, error.displayText()));
  } catch (const std::exception& error) {
    return Status(ErrorCode::unavailable, describe_connection_error(target.value(), error));
  }
  socket->setMaxPayloadSize(kMaxFramePayloadBytes);
  socket->setReceiveTimeout(to_timespan(settings.io_timeout));
  socket->setSendTimeout(to_timespan(settings.io_timeout));
  socket->setNoDelay(true);  // 160-byte frames every 20 ms: Nagle would batch and delay them

  std::unique_ptr<StreamClient> client(new StreamClient(std::move(socket), std::move(handlers)));
  if (driver != nullptr) {
    client->driver_ = driver;
    client->watch_id_ = driver->watch(client->socket_->impl()->sockfd(), [raw = client.get()] { raw->on_readable(); });
  } else {
    client->reader_ = std::thread([raw = client.get()] { raw->read_loop(); });
  }
  return client;
}

StreamClient::StreamClient(std::unique_ptr<WebSocket> socket, Handlers handlers)
    : socket_(std::move(socket)), handlers_(std::move(handlers)), frame_(0) {}

StreamClient::~StreamClient() {
  close(1001, "going away", std::chrono::milliseconds(500));
}

Status StreamClient::send_text(std::string_view text) {
  if (closed_.load() || close_sent_.load()) {
    return Status(ErrorCode::unavailable, "stream is closed");
  }
  std::lock_guard io_lock(io_mutex_);
  try {
    socket_->sendFrame(text.data(), static_cast<int>(text.size()), WebSocket::FRAME_TEXT);
    return Status::ok();
  } catch (const Poco::Exception& error) {
    return Status(ErrorCode::unavailable, fmt::format("stream send failed: {}", error.displayText()));
  }
}

void StreamClient::close(std::uint16_t code, std::string_view reason,
                         std::chrono::milliseconds wait_for_answer) {
  if (close_called_.exchange(true)) return;
  if (!closed_.load()) {
    std::lock_guard io_lock(io_mutex_);
    try {
      socket_->shutdown(code, std::string(reason));
      close_sent_ = true;
    } catch (const Poco::Exception&) {
      // The connection is already gone; the reader reports it.
    }
  }
  {
    std::unique_lock lock(state_mutex_);
    closed_changed_.wait_for(lock, wait_for_answer, [this] { return close_info_.has_value(); });
  }
  stopping_ = true;
  if (reader_.joinable()) reader_.join();
  if (driver_ != nullptr) driver_->unwatch(watch_id_);  // waits out a read in progress
  {
    std::lock_guard io_lock(io_mutex_);
    try {
      socket_->close();
    } catch (const Poco::Exception&) {
      // Closing a socket the host already dropped; nothing left to release.
    }
  }
  StreamCloseInfo unanswered;
  unanswered.code = kCloseAbnormal;
  unanswered.reason = "host did not answer our close";
  unanswered.initiated_by_host = false;
  finish(std::move(unanswered));  // no-op when the host's close was seen
}

std::optional<StreamCloseInfo> StreamClient::close_info() const {
  std::lock_guard lock(state_mutex_);
  return close_info_;
}

bool StreamClient::wait_readable() {
  {
    // TLS can hold decrypted bytes the kernel no longer reports as readable.
    std::lock_guard io_lock(io_mutex_);
    if (socket_->available() > 0) return true;
  }
  // One poll(2), not Poco's Socket::poll (an epoll set built and closed per call): the
  // benchmark runs hundreds of these readers.
  pollfd entry{socket_->impl()->sockfd(), POLLIN, 0};
  return ::poll(&entry, 1, static_cast<int>(kReaderPollInterval.count())) > 0;
}

void StreamClient::read_loop() {
  while (!stopping_.load()) {
    if (!wait_readable()) continue;
    if (!read_frame()) break;
  }
}

void StreamClient::on_readable() {
  if (reading_over_) return;
  // Level-triggered: bytes left in the kernel bring the driver back. TLS (or the upgrade's
  // read-ahead) can hold bytes the kernel no longer reports, hence available().
  bool more = true;
  while (more) {
    if (!read_frame()) {
      reading_over_ = true;
      driver_->unwatch(watch_id_);  // from the driver's thread: does not wait
      return;
    }
    std::lock_guard io_lock(io_mutex_);
    try {
      more = socket_->available() > 0;
    } catch (const Poco::Exception&) {
      more = false;
    }
  }
}

bool StreamClient::read_frame() {
  int flags = 0;
  int received = 0;
  try {
    std::lock_guard io_lock(io_mutex_);
    frame_.resize(0);  // receiveFrame appends to what the buffer holds
    received = socket_->receiveFrame(frame_, flags);
  } catch (const Poco::Exception& error) {
    if (stopping_.load()) return false;
    StreamCloseInfo lost;
    lost.reason = fmt::format("connection lost: {}", error.displayText());
    finish(std::move(lost));
    return false;
  }
  const auto length = static_cast<std::size_t>(received);
  const int opcode = flags & WebSocket::FRAME_OP_BITMASK;
  if (received == 0 && flags == 0) {
    StreamCloseInfo lost;
    lost.reason = "connection closed without a close frame";
    finish(std::move(lost));
    return false;
  }
  if (opcode == WebSocket::FRAME_OP_CLOSE) {
    StreamCloseInfo close = parse_close_payload(frame_, length);
    close.initiated_by_host = !close_sent_.load();
    if (close.initiated_by_host) {
      // Answer the close handshake with the host's own code, as a browser would.
      std::lock_guard io_lock(io_mutex_);
      try {
        socket_->shutdown(close.code == kCloseNoStatus ? std::uint16_t{1000} : close.code);
        close_sent_ = true;
      } catch (const Poco::Exception&) {
        // The host may have dropped the TCP connection right after its close frame.
      }
    }
    finish(std::move(close));
    return false;
  }
  if (opcode == WebSocket::FRAME_OP_PING) {
    std::lock_guard io_lock(io_mutex_);
    try {
      constexpr int kPongFlags = static_cast<int>(WebSocket::FRAME_FLAG_FIN) | static_cast<int>(WebSocket::FRAME_OP_PONG);
      socket_->sendFrame(frame_.begin(), received, kPongFlags);
    } catch (const Poco::Exception&) {
      // A failed pong shows up as a failed read next.
    }
    return true;
  }
  if (opcode == WebSocket::FRAME_OP_PONG) return true;
  if (opcode == WebSocket::FRAME_OP_TEXT || opcode == WebSocket::FRAME_OP_BINARY) message_.clear();
  message_.append(frame_.begin(), length);
  if ((flags & WebSocket::FRAME_FLAG_FIN) == 0) return true;
  const TimePoint received_at = std::chrono::steady_clock::now();
  if (handlers_.on_text) handlers_.on_text(message_, received_at);
  message_.clear();
  return true;
}

void StreamClient::finish(StreamCloseInfo close) {
  {
    std::lock_guard lock(state_mutex_);
    if (close_info_) return;
    close_info_ = close;
    closed_ = true;
  }
  closed_changed_.notify_all();
  if (handlers_.on_closed) handlers_.on_closed(close);
}

}  // namespace callagent::callsim
