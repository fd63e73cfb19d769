#include "stream_worker.h"

#include <algorithm>
#include <utility>

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>

#include "event_wait.h"
#include "server_messages.h"

namespace callagent::plugins::deepgram {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::string_view kKeepAlive = R"({"type":"KeepAlive"})";
constexpr std::string_view kFinalize = R"({"type":"Finalize"})";
constexpr std::string_view kCloseStream = R"({"type":"CloseStream"})";
// A connection that lasted this long (or delivered a message) counts as good: the next
// failure starts the attempt count again.
constexpr auto kHealthyAfter = milliseconds(2000);
constexpr auto kMaxBackoff = milliseconds(4000);
// send_audio_now leaves a chunk to the worker when more than this is still in the
// kernel's send queue (4 s of audio): Deepgram is not keeping up, and a send from the
// caller's thread could block once the queue is full.
constexpr int kMaxUnsentBytesForDirectSend = 32 * 1024;
constexpr int kDirectSendsPerCheck = 8;

// Bytes written to the socket and not yet acknowledged by the peer; -1 when unknown.
int unsent_bytes(int socket_fd) {
  int queued = 0;
  return ::ioctl(socket_fd, SIOCOUTQ, &queued) == 0 ? queued : -1;
}

Clock::rep ticks(Clock::time_point time) { return time.time_since_epoch().count(); }
Clock::time_point time_of(Clock::rep ticks) { return Clock::time_point(Clock::duration(ticks)); }

ConnectFailure close_frame_failure(int code, const std::string& reason) {
  const std::string detail = "close " + std::to_string(code) + (reason.empty() ? "" : " " + reason);
  if (code == 1008 && reason.find("DATA-0000") != std::string::npos) {
    // The same audio would fail again: not worth a reconnect.
    return {Status(ErrorCode::vendor_error,
                   "Deepgram could not decode the audio as mu-law 8 kHz (" + detail + ")"),
            false};
  }
  if (code == 1011 && reason.find("NET-0000") != std::string::npos) {
    return {Status(ErrorCode::unavailable, "Deepgram timed out sending results (" + detail + ")"), true};
  }
  if (code == 1011 && reason.find("NET-0001") != std::string::npos) {
    return {Status(ErrorCode::unavailable,
                   "Deepgram closed the stream after 10 s without audio or KeepAlive (" + detail + ")"),
            true};
  }
  return {Status(ErrorCode::unavailable, "Deepgram closed the stream (" + detail + ")"), true};
}

// The status word for /metrics: the upgrade's HTTP status, or what failed without one.
std::string connect_status(const ConnectOutcome& outcome) {
  if (outcome.connection) return "101";
  if (outcome.http_status > 0) return std::to_string(outcome.http_status);
  return outcome.failure.error.code() == ErrorCode::timeout ? "timeout" : "network_error";
}

}  // namespace

StreamWorker::StreamWorker(DeepgramConfig config, Endpoint endpoint, SttListener& listener, Logger& logger,
                           ProviderMetrics& metrics)
    : config_(std::move(config)),
      endpoint_(std::move(endpoint)),
      target_(listen_target(config_)),
      gate_(listener, logger, metrics) {}

bool StreamWorker::send_audio_now(std::span<const std::uint8_t> audio, std::int64_t stream_offset_ms) {
  std::unique_lock lock(socket_mutex_, std::try_to_lock);
  // Busy (the worker reads or sends), not connected, or older audio queued first: the
  // backlog keeps the order.
  if (!lock.owns_lock() || live_socket_ == nullptr || !backlog_.empty()) return false;
  // The kernel's queue is looked at every few chunks only (an ioctl per 20 ms chunk was
  // ~2 % of the host's CPU): between looks at most kDirectSendsPerCheck chunks (1.3 KB)
  // join a queue that was well under the limit, far from filling the 128 KB buffer.
  if (direct_sends_since_check_ >= kDirectSendsPerCheck) {
    const int unsent = unsent_bytes(live_socket_fd_);
    if (unsent < 0 || unsent > kMaxUnsentBytesForDirectSend) return false;
    direct_sends_since_check_ = 0;
  }
  ++direct_sends_since_check_;
  try {
    live_socket_->sendFrame(audio.data(), static_cast<int>(audio.size()), Poco::Net::WebSocket::FRAME_BINARY);
  } catch (const Poco::Exception&) {
    // The connection is broken: this chunk goes to the backlog, whose wake-up makes the
    // worker find the failure and reconnect, and the next connection sends it.
    live_socket_ = nullptr;
    return false;
  }
  if (timeline_offset_ms_ < 0) timeline_offset_ms_ = stream_offset_ms;
  last_sent_ticks_.store(ticks(Clock::now()), std::memory_order_relaxed);
  return true;
}

std::size_t StreamWorker::queue_audio(AudioFrame frame) {
  const PushOutcome pushed = backlog_.push(std::move(frame));
  // A non-empty backlog was already signalled and the worker has not taken it yet: it
  // takes this chunk with the rest, so a second write would only cost a syscall.
  if (pushed.was_empty) wakeup_.signal();
  return pushed.dropped_bytes;
}

void StreamWorker::request_finalize() {
  finalize_requests_.fetch_add(1);
  wakeup_.signal();
}

void StreamWorker::request_close() {
  close_requested_.store(true);
  wakeup_.signal();
  std::lock_guard lock(mutex_);
  changed_.notify_all();
}

bool StreamWorker::wait_finished(milliseconds limit) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [&] { return finished_; });
}

void StreamWorker::wait_backoff(milliseconds delay) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, delay, [&] { return close_requested(); });
}

void StreamWorker::run() {
  std::int64_t failures = 0;  // failed attempts since the last good connection
  bool connected_before = false;
  while (!close_requested()) {
    ConnectOutcome outcome =
        connect_to_deepgram(endpoint_, target_, config_.api_key, milliseconds(config_.connect_timeout_ms));
    if (close_requested()) break;
    gate_.vendor_request(connect_status(outcome));
    if (outcome.http_status == 429) gate_.rate_limited();
    ConnectFailure failure = std::move(outcome.failure);
    if (outcome.connection) {
      log(LogLevel::info, connected_before ? "reconnected to Deepgram" : "connected to Deepgram");
      connected_before = true;
      bool healthy = false;
      failure = stream(*outcome.connection, healthy);
      if (failure.error.is_ok()) break;  // closed on request
      if (healthy) failures = 0;
    }
    if (!failure.retryable) {
      log(LogLevel::error, failure.error.message());
      gate_.error(failure.error, false);
      break;
    }
    ++failures;
    if (failures > config_.reconnect_attempts) {
      const Status gave_up(ErrorCode::unavailable, "gave up on Deepgram after " + std::to_string(failures) +
                                                       " failed attempts: " + failure.error.message());
      log(LogLevel::error, gave_up.message());
      gate_.error(gave_up, false);
      break;
    }
    log(LogLevel::warn, failure.error.message() + "; reconnecting (attempt " + std::to_string(failures + 1) + ")");
    gate_.error(failure.error, true);
    gate_.retry();
    // 250 ms, 500 ms, 1 s, … capped.
    const auto delay = std::min<milliseconds>(milliseconds(250) * (std::int64_t{1} << std::min<std::int64_t>(failures - 1, 8)),
                                              kMaxBackoff);
    wait_backoff(delay);
  }
  std::lock_guard lock(mutex_);
  finished_ = true;
  changed_.notify_all();
}

ConnectFailure StreamWorker::stream(VendorSocket& connection, bool& healthy) {
  Poco::Net::WebSocket& socket = *connection.socket;
  const auto connected_at = Clock::now();
  // Offers the socket to send_audio_now while streaming; takes it back on every way out.
  struct Publication {
    StreamWorker& worker;
    ~Publication() {
      std::lock_guard lock(worker.socket_mutex_);
      worker.live_socket_ = nullptr;
    }
  } publication{*this};
  try {
    socket.setNoDelay(true);
    // A fixed, modest send buffer (the kernel doubles it) instead of autotuning up to MBs:
    // 8 KB of audio a second never needs more, and a server that stops reading then
    // shows in the unsent count within seconds, not minutes (send_audio_now).
    socket.setSendBufferSize(64 * 1024);
    socket.setSendTimeout(Poco::Timespan(5, 0));
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    const int socket_fd = socket.impl()->sockfd();
    const milliseconds keepalive_interval(config_.keepalive_interval_ms);
    last_sent_ticks_.store(ticks(Clock::now()));
    bool readable = false;
    {
      std::lock_guard lock(socket_mutex_);
      timeline_offset_ms_ = -1;
      live_socket_ = &socket;
      live_socket_fd_ = socket_fd;
      direct_sends_since_check_ = kDirectSendsPerCheck;  // look before the first one
      // Messages that came with the handshake's response are already read into memory.
      readable = socket.available() > 0;
    }
    bool woken = true;  // requests and audio may have come before the connection
    for (;;) {
      // Cleared before looking at the requests and the backlog, so whatever is signalled
      // after this point wakes the next wait at once. Skipped (a read(2) saved) when only
      // the socket woke us: a signal that raced in then costs one spurious wake-up.
      if (woken) wakeup_.clear();
      if (close_requested()) {
        drain_and_close(socket);
        return {};
      }
      {
        std::lock_guard lock(socket_mutex_);
        // A direct send that failed let go of the socket: the send below finds out why.
        live_socket_ = &socket;
        // Audio first: it is what the caller is waiting on (endpointing, barge-in).
        send_queued(socket);
        if (readable) {
          if (auto failure = read_arrived(socket, healthy)) {
            if (Clock::now() - connected_at >= kHealthyAfter) healthy = true;
            return std::move(*failure);
          }
        }
      }
      // Sleeps until Deepgram sends, queued audio/finalize/close signal, or KeepAlive is due.
      const auto last_sent = time_of(last_sent_ticks_.load(std::memory_order_relaxed));
      const WaitResult woke = wait_for_events(socket_fd, wakeup_.fd(), last_sent + keepalive_interval);
      readable = woke.readable;
      woken = woke.woken;
    }
  } catch (const Poco::Exception& error) {
    if (Clock::now() - connected_at >= kHealthyAfter) healthy = true;
    // A send fails when Deepgram closed the stream a moment before: its close frame,
    // already received, says why, and decides whether to reconnect (DATA-0000 must not).
    if (auto closed = read_what_arrived(socket, healthy)) return std::move(*closed);
    return {Status(ErrorCode::unavailable, "lost the Deepgram stream: " + error.displayText()), true};
  }
}

std::optional<ConnectFailure> StreamWorker::read_what_arrived(Poco::Net::WebSocket& socket, bool& healthy) {
  std::lock_guard lock(socket_mutex_);
  live_socket_ = nullptr;
  try {
    const int socket_fd = socket.impl()->sockfd();
    // A deadline of now: never waits, reads only what is already there.
    while (socket.available() > 0 || wait_for_events(socket_fd, -1, Clock::now()).readable) {
      if (auto failure = read_frame(socket, healthy)) return failure;
    }
  } catch (const Poco::Exception&) {
    // Nothing readable was left (reset): the caller reports the send's failure.
  }
  return std::nullopt;
}

void StreamWorker::send_queued(Poco::Net::WebSocket& socket) {
  // Read the request before draining: finalize() came after the audio it should flush,
  // so everything queued before it goes out first.
  const bool finalize = finalize_requests_.exchange(0) > 0;
  // Everything queued goes now, as one frame when it fits: Deepgram takes any number of
  // bytes per binary frame, and fewer frames are fewer send() calls. Nothing waits to
  // be batched; the loop ends when the backlog is empty.
  for (;;) {
    send_buffer_.clear();
    const std::optional<std::int64_t> offset_ms = backlog_.take(send_buffer_, kMaxFrameBytes);
    if (!offset_ms) break;
    if (timeline_offset_ms_ < 0) timeline_offset_ms_ = *offset_ms;
    try {
      socket.sendFrame(send_buffer_.data(), static_cast<int>(send_buffer_.size()),
                       Poco::Net::WebSocket::FRAME_BINARY);
    } catch (...) {
      // Not sent: the next connection sends it (one frame now; the timeline only needs
      // its first offset).
      backlog_.push_front(AudioFrame{send_buffer_, *offset_ms});
      if (finalize) finalize_requests_.fetch_add(1);
      throw;
    }
    last_sent_ticks_.store(ticks(Clock::now()), std::memory_order_relaxed);
  }
  if (finalize) send_text(socket, kFinalize);
  const auto last_sent = time_of(last_sent_ticks_.load(std::memory_order_relaxed));
  if (Clock::now() - last_sent >= milliseconds(config_.keepalive_interval_ms)) send_text(socket, kKeepAlive);
}

void StreamWorker::send_text(Poco::Net::WebSocket& socket, std::string_view text) {
  socket.sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
  last_sent_ticks_.store(ticks(Clock::now()), std::memory_order_relaxed);
}

std::optional<ConnectFailure> StreamWorker::read_arrived(Poco::Net::WebSocket& socket, bool& healthy) {
  do {
    if (auto failure = read_frame(socket, healthy)) return failure;
  } while (socket.available() > 0);
  return std::nullopt;
}

std::optional<ConnectFailure> StreamWorker::read_frame(Poco::Net::WebSocket& socket, bool& healthy) {
  Poco::Buffer<char> buffer(0);
  int flags = 0;
  const int size = socket.receiveFrame(buffer, flags);
  const int opcode = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
  if (size == 0 && flags == 0) {
    return ConnectFailure{Status(ErrorCode::unavailable, "Deepgram dropped the connection"), true};
  }
  if (opcode == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
    int code = 1005;  // "no status received" (RFC 6455)
    std::string reason;
    if (buffer.size() >= 2) {
      code = (static_cast<unsigned char>(buffer[0]) << 8U) | static_cast<unsigned char>(buffer[1]);
      reason.assign(buffer.begin() + 2, buffer.size() - 2);
    }
    if (code != 1000) gate_.vendor_request("ws_close_" + std::to_string(code));
    return close_frame_failure(code, reason);
  }
  if (opcode == Poco::Net::WebSocket::FRAME_OP_PING) {
    socket.sendFrame(buffer.begin(), static_cast<int>(buffer.size()),
                     static_cast<int>(Poco::Net::WebSocket::FRAME_FLAG_FIN) |
                         static_cast<int>(Poco::Net::WebSocket::FRAME_OP_PONG));
    return std::nullopt;
  }
  if (opcode == Poco::Net::WebSocket::FRAME_OP_TEXT) {
    healthy = true;
    handle_text(std::string_view(buffer.begin(), buffer.size()));
  }
  return std::nullopt;
}

void StreamWorker::handle_text(std::string_view text) {
  const ServerMessage message = parse_server_message(text, std::max<std::int64_t>(timeline_offset_ms_, 0));
  switch (message.kind) {
    case ServerMessage::Kind::results:
      if (message.result.is_final && gate_.log_enabled(LogLevel::debug)) {
        log(LogLevel::debug, std::string(message.result.speech_final ? "final (speech_final): \"" : "final: \"") +
                                 message.result.transcript + "\"");
      }
      gate_.result(message.result);
      break;
    case ServerMessage::Kind::utterance_end:
      gate_.utterance_end(message.time_ms);
      break;
    case ServerMessage::Kind::speech_started:
      gate_.speech_started(message.time_ms);
      break;
    case ServerMessage::Kind::metadata:
      log(LogLevel::debug, "Deepgram metadata: " + std::string(text.substr(0, 400)));
      break;
    case ServerMessage::Kind::unknown:
      break;
    case ServerMessage::Kind::malformed:
      if (malformed_messages_.fetch_add(1) == 0) {
        log(LogLevel::warn, "ignored a malformed message from Deepgram (later ones are only counted)");
      }
      break;
  }
}

void StreamWorker::drain_and_close(Poco::Net::WebSocket& socket) {
  // Held to the end: nothing else may use the socket while it closes.
  std::lock_guard lock(socket_mutex_);
  live_socket_ = nullptr;
  try {
    send_queued(socket);
    send_text(socket, kCloseStream);
    // Deepgram answers CloseStream with the last Results, then Metadata, then a close.
    const auto deadline = Clock::now() + kCloseDrain;
    const int socket_fd = socket.impl()->sockfd();
    bool healthy = false;
    bool readable = socket.available() > 0;
    for (;;) {
      if (readable && read_arrived(socket, healthy)) break;
      if (Clock::now() >= deadline) break;
      // The wake-up fd stays out: nothing signalled now can change what is left to do.
      readable = wait_for_events(socket_fd, -1, deadline).readable;
    }
    socket.shutdown();
  } catch (const Poco::Exception&) {
    // The stream is ending anyway; nothing more to deliver.
  }
  try {
    socket.close();
  } catch (const Poco::Exception&) {
  }
}

}  // namespace callagent::plugins::deepgram
