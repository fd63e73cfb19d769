#include "host/telephony/media_stream_connection.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include <Poco/Net/NetException.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "host/audio/mulaw.h"

namespace callagent::telephony {
namespace {

using host::WebSocketFrame;
using host::WebSocketFrameReader;
using host::WebSocketOpcode;

constexpr std::size_t kBadFramesLoggedInFull = 5;
// After the host's close frame on Twilio's bad input: how long Twilio's bytes are still
// taken in before the socket closes anyway.
constexpr std::int64_t kLingerMs = 1000;
// After the host's close frame (the call ended): how long Twilio gets to answer it.
constexpr std::int64_t kCloseAnswerWaitMs = 5000;

std::string printable_excerpt(std::string_view text) {
  std::string excerpt;
  for (const char character : text.substr(0, 80)) {
    const auto byte = static_cast<unsigned char>(character);
    excerpt += (byte >= 0x20 && byte < 0x7F) ? character : '?';
  }
  if (text.size() > 80) excerpt += "…";
  return excerpt;
}

}  // namespace

MediaStreamConnection::MediaStreamConnection(host::AcceptedWebSocket socket, CallRecord record,
                                             CallStarter& starter, TelephonyCounters& counters,
                                             const host::TimeSource& time, MediaStreamLimits limits,
                                             std::function<void()> on_finished)
    : socket_(std::move(socket.socket)),
      reader_(limits.max_readable_frame_bytes),
      record_(std::move(record)),
      starter_(starter),
      counters_(counters),
      time_(time),
      limits_(limits),
      bad_frames_(limits.max_bad_frames_per_window, limits.bad_frame_window),
      message_rate_(limits.max_messages_per_second, limits.max_message_burst),
      log_prefix_(fmt::format("[twilio call={}]", record_.conversation_id)),
      on_finished_(std::move(on_finished)),
      socket_fd_(socket_.impl()->sockfd()) {
  reader_.append(socket.read_ahead);
}

int MediaStreamConnection::socket_fd() const { return socket_fd_; }

std::int64_t MediaStreamConnection::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time_.now().time_since_epoch()).count();
}

bool MediaStreamConnection::handle_received() {
  WebSocketFrame frame;
  std::string error;
  for (;;) {
    switch (reader_.next(frame, error)) {
      case WebSocketFrameReader::Next::frame:
        if (!handle_frame(frame)) {
          peer_finished_ = frame.opcode == WebSocketOpcode::close;
          return false;
        }
        break;
      case WebSocketFrameReader::Next::need_more:
        return true;
      case WebSocketFrameReader::Next::too_big:
        end_reason_ = fmt::format("a frame larger than {} bytes", limits_.max_readable_frame_bytes);
        ++counters_.bad_frames[kOversizedFrameSlot];
        spdlog::warn("{} {}: closing the stream", log_prefix_, end_reason_);
        close(host::kWebSocketCloseTooBig, "frame too large");
        return false;
      case WebSocketFrameReader::Next::protocol_error:
        end_reason_ = "malformed WebSocket frame: " + error;
        spdlog::warn("{} {}: closing the stream", log_prefix_, end_reason_);
        close(host::kWebSocketCloseProtocolError, "bad frame");
        return false;
    }
  }
}

void MediaStreamConnection::run() {
  ++counters_.streams_opened;
  try {
    socket_.setReceiveTimeout(Poco::Timespan(limits_.receive_timeout.count() * 1000));
    // A peer that stops reading must not stall the call's strand for long on a write.
    socket_.setSendTimeout(Poco::Timespan(2, 0));
    // Marks and `clear` are small and urgent: never hold them back for an ACK.
    socket_.setNoDelay(true);
    while (handle_received()) {
      const std::span<char> space = reader_.receive_space();
      const int received = socket_.receiveBytes(space.data(), static_cast<int>(space.size()));
      if (received <= 0) {
        end_reason_ = "Twilio closed the connection";
        peer_finished_ = true;
        break;
      }
      reader_.commit(static_cast<std::size_t>(received));
    }
  } catch (const Poco::TimeoutException&) {
    end_reason_ = fmt::format("no frame from Twilio for {} ms", limits_.receive_timeout.count());
    spdlog::warn("{} {}: closing the stream", log_prefix_, end_reason_);
    close(host::kWebSocketClosePolicyViolation, "timeout");
  } catch (const Poco::Exception& error) {
    end_reason_ = "connection error: " + error.displayText();
    spdlog::info("{} {}", log_prefix_, end_reason_);
  } catch (const std::exception& error) {
    end_reason_ = std::string("internal error: ") + error.what();
    spdlog::error("{} {}", log_prefix_, end_reason_);
    close(host::kWebSocketCloseInternalError, "internal error");
  }
  if (!peer_finished_) linger_before_close();
  finish();
}

bool MediaStreamConnection::begin() {
  ++counters_.streams_opened;
  last_received_ms_ = now_ms();
  try {
    socket_.setSendTimeout(Poco::Timespan(2, 0));
    socket_.setNoDelay(true);
    if (handle_received()) return true;
    // Ended by what came with the upgrade; Twilio may still be sending.
    if (!peer_finished_) {
      start_lingering();
      return true;
    }
  } catch (const std::exception& error) {
    end_reason_ = std::string("internal error: ") + error.what();
    spdlog::error("{} {}", log_prefix_, end_reason_);
    close(host::kWebSocketCloseInternalError, "internal error");
  }
  finish();
  return false;
}

bool MediaStreamConnection::on_readable(bool peer_closing) {
  if (finished_) return false;
  try {
    for (;;) {
      const std::span<char> space = reader_.receive_space();
      const ssize_t received = ::recv(socket_fd_, space.data(), space.size(), MSG_DONTWAIT);
      if (received > 0) {
        // A short read emptied the socket: what arrives next is a new event (reactor).
        const bool drained = !peer_closing && static_cast<std::size_t>(received) < space.size();
        reader_.commit(static_cast<std::size_t>(received));
        last_received_ms_.store(now_ms(), std::memory_order_relaxed);
        if (lingering_) {
          reader_.discard();
          if (drained) return true;
          continue;
        }
        if (handle_received()) {
          if (drained) return true;
          continue;
        }
        // The host ends the stream (close sent): linger unless Twilio already closed.
        if (peer_finished_) return end_reactor_stream();
        start_lingering();
        if (drained) return true;
        continue;
      }
      if (received == 0) {
        if (lingering_) return end_reactor_stream();
        if (timed_out_.load()) {
          end_reason_ = fmt::format("no frame from Twilio for {} ms", limits_.receive_timeout.count());
          spdlog::warn("{} {}: closing the stream", log_prefix_, end_reason_);
          close(host::kWebSocketClosePolicyViolation, "timeout");
        } else if (stop_requested_.load()) {
          end_reason_ = "the host is shutting down";
        } else {
          end_reason_ = "Twilio closed the connection";
          peer_finished_ = true;
        }
        return end_reactor_stream();
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      if (errno == EINTR) continue;
      end_reason_ = std::string("connection error: ") + std::strerror(errno);
      spdlog::info("{} {}", log_prefix_, end_reason_);
      return end_reactor_stream();
    }
  } catch (const std::exception& error) {
    end_reason_ = std::string("internal error: ") + error.what();
    spdlog::error("{} {}", log_prefix_, end_reason_);
    close(host::kWebSocketCloseInternalError, "internal error");
    return end_reactor_stream();
  }
}

bool MediaStreamConnection::end_reactor_stream() {
  finish();
  return false;
}

void MediaStreamConnection::start_lingering() {
  lingering_ = true;
  reader_.discard();
  linger_deadline_ms_ = now_ms() + kLingerMs;
  std::lock_guard lock(send_mutex_);
  try {
    socket_.shutdownSend();
  } catch (const Poco::Exception&) {
    // Already reset: the next read says so.
  }
}

void MediaStreamConnection::shut_reading_side() {
  // recv() then returns 0 and the reactor calls on_readable, which ends the stream. Under
  // the lock finish() closes the socket with: once closed, its fd number may already
  // belong to another stream's socket, which must not be shut.
  std::lock_guard lock(fd_mutex_);
  if (!socket_closed_) ::shutdown(socket_fd_, SHUT_RD);
}

void MediaStreamConnection::on_tick() {
  const std::int64_t now = now_ms();
  const std::int64_t linger_deadline = linger_deadline_ms_.load();
  if (linger_deadline != 0) {
    if (now >= linger_deadline) shut_reading_side();
    return;
  }
  const std::int64_t close_sent = close_sent_ms_.load();
  if (close_sent != 0 && now - close_sent >= kCloseAnswerWaitMs) {
    shut_reading_side();  // Twilio never answered our close frame
    return;
  }
  if (now - last_received_ms_.load(std::memory_order_relaxed) >= limits_.receive_timeout.count() &&
      !timed_out_.exchange(true)) {
    shut_reading_side();
  }
}

void MediaStreamConnection::on_stop() {
  stop_requested_ = true;
  shut_reading_side();
}

void MediaStreamConnection::finish() {
  if (finished_) return;
  finished_ = true;
  {
    std::lock_guard fd_lock(fd_mutex_);
    std::lock_guard lock(send_mutex_);
    send_closed_ = true;
    // The fd goes back now, not when the last holder of this connection lets go.
    try {
      socket_.close();
    } catch (const Poco::Exception&) {
    }
    socket_closed_ = true;
  }
  // Let go of the call: it holds this connection (its sender) and this held it (the
  // receiver), and neither would ever be freed.
  if (const auto receiver = std::exchange(receiver_, nullptr)) receiver->on_stream_closed(end_reason_);
  spdlog::debug("{} stream finished: {}", log_prefix_, end_reason_);
  if (on_finished_) std::exchange(on_finished_, nullptr)();
}

void MediaStreamConnection::linger_before_close() {
  // The host ended the stream while Twilio may still be sending (a frame too large, a
  // flood, a protocol error). Closing with its bytes unread would answer them with a TCP
  // reset, which can destroy our close frame before Twilio reads it: stop sending, and
  // discard what still arrives until Twilio closes too, for a second at most.
  try {
    socket_.shutdownSend();
    const auto deadline = time_.now() + std::chrono::milliseconds(kLingerMs);
    socket_.setReceiveTimeout(Poco::Timespan(kLingerMs * 1000));
    std::array<char, 4096> discarded{};
    while (time_.now() < deadline && socket_.receiveBytes(discarded.data(), static_cast<int>(discarded.size())) > 0) {
    }
  } catch (const Poco::Exception&) {
    // Reset or timed out: nothing more to wait for.
  }
}

bool MediaStreamConnection::handle_frame(const WebSocketFrame& frame) {
  switch (frame.opcode) {
    case WebSocketOpcode::close:
      end_reason_ = "Twilio closed the stream";
      close(host::kWebSocketCloseNormal, "");
      return false;
    case WebSocketOpcode::ping: {
      std::lock_guard lock(send_mutex_);
      if (!send_closed_) {
        send_frame_locked(WebSocketOpcode::pong, frame.payload);
        flush_locked();
      }
      return true;
    }
    case WebSocketOpcode::pong:
      return true;
    default:
      break;
  }
  ++counters_.frames_received;
  bool keep_reading = true;
  if (!message_rate_.allow(time_.now())) {
    keep_reading = handle_bad_frame(kTooFastFrameSlot, "too_fast",
                                    fmt::format("more than {} messages a second", limits_.max_messages_per_second));
  } else if (frame.opcode != WebSocketOpcode::text || !frame.final_fragment) {
    keep_reading = handle_bad_frame(static_cast<std::size_t>(twilio::FrameProblem::not_json), "not_json",
                                    "binary or fragmented frame (Twilio sends whole text frames)");
  } else if (frame.payload.size() > limits_.max_frame_bytes) {
    keep_reading = handle_bad_frame(kOversizedFrameSlot, "too_large",
                                    fmt::format("{} bytes (limit {})", frame.payload.size(), limits_.max_frame_bytes));
  } else {
    keep_reading = handle_text_frame(frame.payload);
  }
  if (!keep_reading) end_reason_ = "stream ended";
  return keep_reading;
}

bool MediaStreamConnection::handle_bad_frame(std::size_t problem_slot, std::string_view problem,
                                             std::string_view detail) {
  ++counters_.bad_frames[problem_slot];
  ++bad_frames_logged_;
  if (bad_frames_logged_ <= kBadFramesLoggedInFull) {
    spdlog::warn("{} dropped a bad frame ({}): {}", log_prefix_, problem, detail);
  } else if (bad_frames_logged_ % 100 == 0) {
    spdlog::warn("{} {} bad frames dropped so far", log_prefix_, bad_frames_logged_);
  }
  if (bad_frames_.record_bad_frame(time_.now())) {
    ++counters_.streams_closed_for_garbage;
    spdlog::warn("{} too many bad frames ({} within {} ms): closing the stream (1008)", log_prefix_,
                 limits_.max_bad_frames_per_window, limits_.bad_frame_window.count());
    close(host::kWebSocketClosePolicyViolation, "too many invalid frames");
    return false;
  }
  return true;
}

bool MediaStreamConnection::handle_text_frame(std::string_view text) {
  auto parsed = twilio::parse_inbound_message(text);
  if (!parsed.ok()) {
    return handle_bad_frame(static_cast<std::size_t>(parsed.problem), twilio::to_string(parsed.problem),
                            parsed.detail + " in " + printable_excerpt(text));
  }
  auto& message = std::get<twilio::InboundMessage>(parsed.message);
  if (auto* media = std::get_if<twilio::MediaMessage>(&message)) {
    handle_media(*media);
    return true;
  }
  if (const auto* start = std::get_if<twilio::StartMessage>(&message)) {
    handle_start(*start);
    return phase_ != Phase::closing;
  }
  if (const auto* mark = std::get_if<twilio::MarkMessage>(&message)) {
    if (receiver_) receiver_->on_mark(mark->name);
    return true;
  }
  if (const auto* dtmf = std::get_if<twilio::DtmfMessage>(&message)) {
    if (receiver_) receiver_->on_dtmf(dtmf->digit);
    return true;
  }
  if (std::holds_alternative<twilio::StopMessage>(message)) {
    spdlog::info("{} Twilio stopped the stream", log_prefix_);
    if (receiver_) receiver_->on_stop();
    // Twilio closes the socket after `stop`; keep reading until it does.
    return true;
  }
  return true;  // connected: nothing to do
}

void MediaStreamConnection::handle_start(const twilio::StartMessage& start) {
  if (phase_ != Phase::awaiting_start) {
    spdlog::warn("{} a second `start` on one stream was ignored", log_prefix_);
    return;
  }
  if (start.encoding != "audio/x-mulaw" || start.sample_rate_hz != 8000 || start.channels != 1) {
    spdlog::error("{} unsupported media format {} {} Hz {} ch: closing", log_prefix_, start.encoding,
                  start.sample_rate_hz, start.channels);
    phase_ = Phase::closing;
    close(host::kWebSocketClosePolicyViolation, "unsupported media format");
    return;
  }
  stream_sid_ = start.stream_sid;
  {
    std::lock_guard lock(send_mutex_);
    outbound_stream_sid_ = start.stream_sid;
  }
  if (record_.call_sid.empty()) record_.call_sid = start.call_sid;
  auto receiver = starter_.start_call(record_, start, shared_from_this());
  if (!receiver) {
    spdlog::error("{} cannot start the call: {}", log_prefix_, receiver.status().message());
    phase_ = Phase::closing;
    close(host::kWebSocketCloseInternalError, "cannot start the call");
    return;
  }
  receiver_ = std::move(receiver).value();
  phase_ = Phase::streaming;
  spdlog::info("{} stream {} started for call {}", log_prefix_, start.stream_sid, start.call_sid);
}

void MediaStreamConnection::handle_media(twilio::MediaMessage& media) {
  if (phase_ != Phase::streaming || !receiver_) return;  // audio before `start` has no call yet
  const auto duration_ms = static_cast<std::int64_t>(media.payload.size()) / 8;
  const std::int64_t silence_ms = gap_filler_.silence_before(media.timestamp_ms, duration_ms);
  std::int64_t offset_ms = gap_filler_.stream_offset_ms() - duration_ms - silence_ms;
  if (silence_ms > 0) {
    counters_.silence_filled_ms += static_cast<std::uint64_t>(silence_ms);
    for (std::int64_t filled_ms = 0; filled_ms < silence_ms; filled_ms += 20) {
      const auto chunk_ms = std::min<std::int64_t>(20, silence_ms - filled_ms);
      receiver_->on_caller_audio(offset_ms, std::vector<std::uint8_t>(static_cast<std::size_t>(chunk_ms) * 8,
                                                                      audio::kMulawSilence));
      offset_ms += chunk_ms;
    }
  }
  receiver_->on_caller_audio(offset_ms, std::move(media.payload));
}

void MediaStreamConnection::send_frame_locked(WebSocketOpcode opcode, std::string_view payload) {
  host::append_websocket_frame(opcode, payload, send_frames_);
  ++frames_pending_;
}

void MediaStreamConnection::frame_text_locked(const std::string& text) {
  send_frame_locked(WebSocketOpcode::text, text);
}

void MediaStreamConnection::flush_locked() {
  const std::size_t frames = std::exchange(frames_pending_, 0);
  if (send_closed_ || send_frames_.empty()) {
    send_frames_.clear();
    return;
  }
  try {
    // Blocking with a send timeout: Poco writes it all or throws.
    socket_.sendBytes(send_frames_.data(), static_cast<int>(send_frames_.size()));
    counters_.frames_sent += frames;
  } catch (const Poco::Exception& error) {
    // The reader sees the broken socket too and ends the stream; stop writing now.
    send_closed_ = true;
    spdlog::info("{} cannot send to Twilio: {}", log_prefix_, error.displayText());
  }
  send_frames_.clear();
}

void MediaStreamConnection::send_media(std::span<const std::uint8_t> mulaw_audio) {
  std::lock_guard lock(send_mutex_);
  if (send_closed_ || outbound_stream_sid_.empty()) return;
  twilio::serialize_media(outbound_stream_sid_, mulaw_audio, send_buffer_);
  frame_text_locked(send_buffer_);
  flush_locked();
}

void MediaStreamConnection::send_mark(std::string_view name) {
  std::lock_guard lock(send_mutex_);
  if (send_closed_ || outbound_stream_sid_.empty()) return;
  twilio::serialize_mark(outbound_stream_sid_, name, send_buffer_);
  frame_text_locked(send_buffer_);
  flush_locked();
}

void MediaStreamConnection::send_media_with_mark(std::span<const std::uint8_t> mulaw_audio, std::string_view name) {
  std::lock_guard lock(send_mutex_);
  if (send_closed_ || outbound_stream_sid_.empty()) return;
  twilio::serialize_media(outbound_stream_sid_, mulaw_audio, send_buffer_);
  frame_text_locked(send_buffer_);
  twilio::serialize_mark(outbound_stream_sid_, name, send_buffer_);
  frame_text_locked(send_buffer_);
  flush_locked();
}

void MediaStreamConnection::send_clear() {
  std::lock_guard lock(send_mutex_);
  if (send_closed_ || outbound_stream_sid_.empty()) return;
  twilio::serialize_clear(outbound_stream_sid_, send_buffer_);
  frame_text_locked(send_buffer_);
  flush_locked();
}

void MediaStreamConnection::close(std::uint16_t code, std::string_view reason) {
  std::lock_guard lock(send_mutex_);
  if (send_closed_) return;
  host::append_websocket_close(code, reason, send_frames_);
  flush_locked();
  send_closed_ = true;
  close_sent_ms_ = now_ms();
  try {
    // The peer answers with its own close frame; don't wait long for it.
    socket_.setReceiveTimeout(Poco::Timespan(5, 0));
  } catch (const Poco::Exception& error) {
    spdlog::debug("{} close: {}", log_prefix_, error.displayText());
  }
}

}  // namespace callagent::telephony
