#include "elevenlabs_ws_session.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>

#include "elevenlabs_errors.h"

namespace callagent::plugins {
namespace {

using std::chrono::milliseconds;

// Short, so a queued piece or a cancel is acted on within a frame's time.
constexpr milliseconds kPollInterval{10};
// After an error message, how long to wait for the close frame that gives its code.
constexpr milliseconds kErrorCloseWait{1000};
constexpr milliseconds kRetryPauseStep{100};
// After a failed send: how long to look for an error message the vendor sent before closing.
constexpr milliseconds kSalvageWait{200};
constexpr int kNormalClose = 1000;

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

bool contains_any(std::string text, std::initializer_list<const char*> words) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return std::any_of(words.begin(), words.end(), [&](const char* word) { return text.find(word) != std::string::npos; });
}

// The vendor names no error codes for the socket (§5.2: a "message", then a non-1000
// close), so the kind is read from the text.
ErrorCode socket_error_code(const std::string& text) {
  if (contains_any(text, {"api key", "api_key", "unauthorized", "authenticat"})) return ErrorCode::unauthenticated;
  if (contains_any(text, {"rate limit", "too many", "concurrent", "quota"})) return ErrorCode::rate_limited;
  return ErrorCode::vendor_error;
}

}  // namespace

ElevenLabsStreamInputSession::ElevenLabsStreamInputSession(std::shared_ptr<const ElevenLabsTtsConfig> config,
                                                           Poco::Net::Context::Ptr tls_context,
                                                           TtsListener& listener, Logger& logger,
                                                           ProviderMetrics& metrics)
    : config_(std::move(config)),
      target_(stream_input_target(*config_)),
      listener_(listener),
      logger_(logger),
      metrics_(metrics),
      socket_(config_->endpoint, config_->connect_timeout_ms, std::move(tls_context)),
      worker_([this] {
        name_this_thread("tts-elevenlabs");
        run_worker();
      }) {}

ElevenLabsStreamInputSession::~ElevenLabsStreamInputSession() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  socket_.abort();
  wake_.notify_all();
  worker_.join();
}

Status ElevenLabsStreamInputSession::synthesize(std::uint64_t utterance_id, std::string_view text,
                                                bool end_of_utterance) noexcept {
  try {
    {
      std::lock_guard lock(mutex_);
      if (closed_ids_.count(utterance_id) != 0) return Status::ok();  // cancelled, failed or done: ignored
      queue_.push_back(Piece{utterance_id, std::string(text), end_of_utterance});
    }
    wake_.notify_all();
    return Status::ok();
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("tts_elevenlabs could not queue text: ") + error.what());
  }
}

void ElevenLabsStreamInputSession::cancel(std::uint64_t utterance_id) noexcept {
  try {
    std::lock_guard lock(mutex_);
    closed_ids_.insert(utterance_id);
    std::erase_if(queue_, [&](const Piece& piece) { return piece.utterance_id == utterance_id; });
    // A handshake blocks for up to connect_timeout_ms: cut it short. On an open socket the
    // worker sees the cancel within one poll and sends a close frame itself.
    if (upgrading_id_ == utterance_id) socket_.abort();
  } catch (...) {  // only allocation can throw here; the worker still checks before each callback
  }
  wake_.notify_all();
}

void ElevenLabsStreamInputSession::run_worker() noexcept {
  prewarm();
  for (;;) {
    std::uint64_t utterance_id = 0;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      utterance_id = queue_.front().utterance_id;
    }
    try {
      run_utterance(utterance_id);
    } catch (const std::exception& error) {
      deliver_error(utterance_id, Status(ErrorCode::internal, std::string("tts_elevenlabs: ") + error.what()));
    } catch (...) {
      deliver_error(utterance_id, Status(ErrorCode::internal, "tts_elevenlabs: unknown failure"));
    }
    socket_.close();
    bool idle = false;
    {
      std::lock_guard lock(mutex_);
      // Whatever ended it, the utterance is over: later pieces of it are ignored.
      closed_ids_.insert(utterance_id);
      std::erase_if(queue_, [&](const Piece& piece) { return piece.utterance_id == utterance_id; });
      idle = queue_.empty() && !stopping_;
    }
    if (idle) prewarm();
  }
}

void ElevenLabsStreamInputSession::prewarm() noexcept {
  if (socket_.has_transport()) return;
  try {
    socket_.connect_transport();
    logger_.debug("connection to " + config_->endpoint.host + " ready for the next utterance");
  } catch (const Poco::Exception& error) {
    // Not an error yet: the next utterance connects again and reports a failure then.
    logger_.debug("could not open a connection ahead of time: " + error.displayText());
  } catch (const std::exception& error) {
    logger_.debug(std::string("could not open a connection ahead of time: ") + error.what());
  }
}

std::optional<ElevenLabsStreamInputSession::Piece> ElevenLabsStreamInputSession::take_piece(
    std::uint64_t utterance_id) {
  std::lock_guard lock(mutex_);
  // Pieces of this utterance only, in order: a later utterance's pieces wait their turn.
  const auto found = std::find_if(queue_.begin(), queue_.end(),
                                   [&](const Piece& piece) { return piece.utterance_id == utterance_id; });
  if (found == queue_.end()) return std::nullopt;
  Piece piece = std::move(*found);
  queue_.erase(found);
  return piece;
}

void ElevenLabsStreamInputSession::run_utterance(std::uint64_t utterance_id) {
  if (!wanted(utterance_id)) return;
  {
    // An utterance that is only an end mark has nothing to say: no socket for it.
    std::lock_guard lock(mutex_);
    if (queue_.empty() || !wanted_locked(utterance_id)) return;  // cancelled meanwhile
    const Piece& first = queue_.front();
    if (first.utterance_id == utterance_id && first.end_of_utterance && is_blank(first.text)) {
      queue_.pop_front();
      closed_ids_.insert(utterance_id);
      listener_.on_utterance_done(utterance_id);
      return;
    }
  }
  const Status opened = open_socket(utterance_id);
  if (!wanted(utterance_id)) return;  // cancelled meanwhile: silent
  Stream stream;
  stream.utterance_id = utterance_id;
  if (!opened) {
    fail(stream, opened);
    return;
  }
  framer_.reset();
  words_.reset();
  {
    std::lock_guard lock(mutex_);
    sent_audio_bytes_ = 0;
  }
  stream.last_activity = Clock::now();
  try {
    socket_.socket().setNoDelay(true);
    // A send can block only on a stalled peer: bound it like the connect.
    socket_.socket().setSendTimeout(
        Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(config_->connect_timeout_ms) * 1000));
    send_text(initialize_connection_message(*config_));
    while (stream_step(stream) == Step::go_on) {
    }
  } catch (const Poco::Exception& error) {
    if (!wanted(utterance_id)) return;
    // A send can fail because the vendor just closed after an error message: its reason is
    // worth more than "broken pipe", so read what already arrived.
    if (salvage_server_error(stream)) return;
    const std::string what = redact(error.displayText(), config_->api_key);
    if (stream.audio_started) {
      fail(stream, Status(ErrorCode::vendor_error, "ElevenLabs audio stream broke: " + what));
    } else {
      fail(stream, Status(ErrorCode::unavailable, "ElevenLabs stream broke before any audio: " + what));
    }
  }
}

bool ElevenLabsStreamInputSession::salvage_server_error(Stream& stream) {
  if (!socket_.is_open()) return false;
  try {
    Poco::Net::WebSocket& socket = socket_.socket();
    const auto deadline = Clock::now() + kSalvageWait;
    while (!stream.server_error && Clock::now() < deadline &&
           socket.poll(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(kPollInterval.count()) * 1000),
                       Poco::Net::Socket::SELECT_READ)) {
      if (read_frame(stream) == Step::finished) return true;  // it reported the error itself
    }
  } catch (const Poco::Exception&) {  // nothing more to read
  }
  if (!stream.server_error) return false;
  fail(stream, Status(socket_error_code(*stream.server_error), "ElevenLabs stream error: " + *stream.server_error));
  return true;
}

Status ElevenLabsStreamInputSession::open_socket(std::uint64_t utterance_id) {
  bool stale_retry_used = false;
  for (int attempt = 0;; ++attempt) {
    {
      std::lock_guard lock(mutex_);
      if (!wanted_locked(utterance_id)) return Status(ErrorCode::cancelled, "cancelled");
      upgrading_id_ = utterance_id;
    }
    const UpgradeOutcome outcome = socket_.upgrade(target_, config_->api_key);
    {
      std::lock_guard lock(mutex_);
      upgrading_id_ = 0;
    }
    if (!outcome.metric_status.empty()) metrics_.vendor_request(outcome.metric_status);
    if (outcome.metric_status == "429") metrics_.rate_limited();
    if (outcome.status) return Status::ok();
    if (!wanted(utterance_id)) return Status(ErrorCode::cancelled, "cancelled");
    if (outcome.stale && !stale_retry_used) {
      // The connection opened ahead of time had gone idle and been dropped: not the
      // vendor's failure, so one fresh connection is free of the retry budget.
      stale_retry_used = true;
      --attempt;
      continue;
    }
    if (!outcome.retryable || attempt >= config_->max_retries) return outcome.status;
    logger_.warn(outcome.status.message() + "; retrying");
    metrics_.retry();
    if (!pause_unless_unwanted(utterance_id, kRetryPauseStep * (attempt + 1))) {
      return Status(ErrorCode::cancelled, "cancelled");
    }
  }
}

ElevenLabsStreamInputSession::Step ElevenLabsStreamInputSession::stream_step(Stream& stream) {
  if (!wanted(stream.utterance_id)) {
    // Cancelled (or the session is closing): tell the vendor at once, and stop.
    socket_.close_gracefully(kNormalClose);
    return Step::finished;
  }
  if (!stream.end_sent) send_pending(stream);
  Poco::Net::WebSocket& socket = socket_.socket();
  if (socket.poll(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(kPollInterval.count()) * 1000),
                  Poco::Net::Socket::SELECT_READ)) {
    if (read_frame(stream) == Step::finished) return Step::finished;
  }
  const auto now = Clock::now();
  if (stream.server_error && now >= stream.server_error_deadline) {
    // The error message came but no close followed: report it anyway.
    fail(stream, Status(socket_error_code(*stream.server_error), "ElevenLabs stream error: " + *stream.server_error));
    return Step::finished;
  }
  // Only once the last text is out can silence be the vendor's fault: before that, the
  // vendor may be waiting for more text by design (chunk_length_schedule).
  if (stream.end_sent && now - stream.last_activity >= milliseconds(config_->first_audio_timeout_ms)) {
    if (stream.audio_started) {
      fail(stream, Status(ErrorCode::vendor_error, "ElevenLabs audio stream stalled for " +
                                                       std::to_string(config_->first_audio_timeout_ms) + " ms"));
    } else {
      fail(stream, Status(ErrorCode::timeout, "no audio from ElevenLabs within " +
                                                  std::to_string(config_->first_audio_timeout_ms) + " ms"));
    }
    return Step::finished;
  }
  return Step::go_on;
}

void ElevenLabsStreamInputSession::send_pending(Stream& stream) {
  while (auto piece = take_piece(stream.utterance_id)) {
    if (!is_blank(piece->text)) send_text(send_text_message(piece->text, piece->end_of_utterance));
    if (piece->end_of_utterance) {
      send_text(close_connection_message());
      stream.end_sent = true;
    }
    stream.last_activity = Clock::now();
    if (stream.end_sent) return;
  }
}

void ElevenLabsStreamInputSession::send_text(std::string_view text) {
  socket_.socket().sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
}

ElevenLabsStreamInputSession::Step ElevenLabsStreamInputSession::read_frame(Stream& stream) {
  Poco::Net::WebSocket& socket = socket_.socket();
  Poco::Buffer<char> buffer(0);
  int flags = 0;
  const int size = socket.receiveFrame(buffer, flags);
  const int opcode = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
  if (size == 0 && flags == 0) {
    if (stream.server_error) {
      fail(stream, Status(socket_error_code(*stream.server_error), "ElevenLabs stream error: " + *stream.server_error));
    } else if (stream.audio_started) {
      fail(stream, Status(ErrorCode::vendor_error, "ElevenLabs dropped the audio stream before its end"));
    } else {
      fail(stream, Status(ErrorCode::unavailable, "ElevenLabs dropped the stream before any audio"));
    }
    return Step::finished;
  }
  if (opcode == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
    int code = 1005;  // "no status received" (RFC 6455)
    std::string reason;
    if (buffer.size() >= 2) {
      code = (static_cast<unsigned char>(buffer[0]) << 8U) | static_cast<unsigned char>(buffer[1]);
      reason.assign(buffer.begin() + 2, buffer.size() - 2);
    }
    const std::string detail = "close " + std::to_string(code) + (reason.empty() ? "" : " " + reason);
    if (code != kNormalClose) metrics_.vendor_request("ws_close_" + std::to_string(code));
    // Our half of the close handshake (RFC 6455 §5.5.1): echo the code, then go.
    socket_.close_gracefully(code == 1005 ? kNormalClose : code);
    if (stream.server_error) {
      fail(stream, Status(socket_error_code(*stream.server_error),
                          "ElevenLabs stream error: " + *stream.server_error + " (" + detail + ")"));
    } else if (code == kNormalClose && stream.end_sent) {
      // Everything was sent and the vendor closed normally without a final message: the
      // audio it had is all there is.
      return finish_utterance(stream);
    } else {
      fail(stream, Status(stream.audio_started ? ErrorCode::vendor_error : ErrorCode::unavailable,
                          "ElevenLabs closed the stream before its end (" + detail + ")"));
    }
    return Step::finished;
  }
  if (opcode == Poco::Net::WebSocket::FRAME_OP_PING) {
    socket.sendFrame(buffer.begin(), static_cast<int>(buffer.size()),
                     static_cast<int>(Poco::Net::WebSocket::FRAME_FLAG_FIN) |
                         static_cast<int>(Poco::Net::WebSocket::FRAME_OP_PONG));
    return Step::go_on;
  }
  if (opcode != Poco::Net::WebSocket::FRAME_OP_TEXT) return Step::go_on;
  stream.last_activity = Clock::now();
  return handle_message(stream, std::string_view(buffer.begin(), buffer.size()));
}

ElevenLabsStreamInputSession::Step ElevenLabsStreamInputSession::handle_message(Stream& stream,
                                                                                std::string_view text) {
  StreamInputMessage message = parse_stream_input_message(text);
  switch (message.kind) {
    case StreamInputMessage::Kind::audio:
      break;
    case StreamInputMessage::Kind::error:
      if (!stream.server_error) {
        stream.server_error = redact(message.error_text.substr(0, 300), config_->api_key);
        stream.server_error_deadline = Clock::now() + kErrorCloseWait;
      }
      return Step::go_on;
    case StreamInputMessage::Kind::other:
      return Step::go_on;
    case StreamInputMessage::Kind::malformed:
      if (malformed_messages_++ == 0) logger_.warn("ignored a malformed message from ElevenLabs (later ones are not logged)");
      return Step::go_on;
  }
  const std::uint64_t id = stream.utterance_id;
  if (!message.audio.empty()) {
    // Alignment times are relative to this chunk: shift them by the audio before it.
    if (message.alignment) {
      deliver_words(id, words_.add(*message.alignment, static_cast<std::int64_t>(stream.audio_bytes / 8)));
    }
    stream.audio_started = true;
    stream.audio_bytes += message.audio.size();
    const MulawFramer::Emit emit = [&](const std::uint8_t* data, std::size_t size_bytes) {
      return deliver_audio(id, data, size_bytes);
    };
    if (!framer_.push(message.audio.data(), message.audio.size(), emit)) return Step::go_on;  // cancelled
  }
  if (message.is_final) {
    if (stream.end_sent) return finish_utterance(stream);
    // A final before our close message: the vendor ended a generation we did not end.
    // Its close follows and is reported then.
    logger_.debug("ElevenLabs sent isFinal before the end of the utterance");
  }
  return Step::go_on;
}

ElevenLabsStreamInputSession::Step ElevenLabsStreamInputSession::finish_utterance(Stream& stream) {
  const std::uint64_t id = stream.utterance_id;
  const MulawFramer::Emit emit = [&](const std::uint8_t* data, std::size_t size_bytes) {
    return deliver_audio(id, data, size_bytes);
  };
  if (framer_.flush(emit)) {
    deliver_words(id, words_.finish());
    deliver_done(id);
  }
  // We sent {"text":""}: the vendor closes too. Answer with our close and go.
  socket_.close_gracefully(kNormalClose);
  return Step::finished;
}

void ElevenLabsStreamInputSession::fail(const Stream& stream, const Status& error) {
  if (!wanted(stream.utterance_id)) return;
  logger_.error("utterance " + std::to_string(stream.utterance_id) + " failed: " + error.message());
  deliver_error(stream.utterance_id, error);
}

bool ElevenLabsStreamInputSession::deliver_audio(std::uint64_t utterance_id, const std::uint8_t* data,
                                                 std::size_t size_bytes) {
  std::lock_guard lock(mutex_);
  if (!wanted_locked(utterance_id)) return false;
  AudioChunk chunk;
  chunk.data = data;
  chunk.size_bytes = size_bytes;
  chunk.encoding = AudioEncoding::mulaw;
  chunk.sample_rate_hz = 8000;
  chunk.stream_offset_ms = static_cast<std::int64_t>(sent_audio_bytes_ / 8);  // 8 bytes per ms at 8 kHz
  sent_audio_bytes_ += size_bytes;
  listener_.on_audio(utterance_id, chunk);
  return true;
}

void ElevenLabsStreamInputSession::deliver_words(std::uint64_t utterance_id, const std::vector<TtsWordTiming>& words) {
  if (words.empty()) return;
  std::lock_guard lock(mutex_);
  if (!wanted_locked(utterance_id)) return;
  listener_.on_word_timings(utterance_id, words);
}

void ElevenLabsStreamInputSession::deliver_done(std::uint64_t utterance_id) {
  std::lock_guard lock(mutex_);
  if (!wanted_locked(utterance_id)) return;
  closed_ids_.insert(utterance_id);
  listener_.on_utterance_done(utterance_id);
}

void ElevenLabsStreamInputSession::deliver_error(std::uint64_t utterance_id, const Status& error) {
  std::lock_guard lock(mutex_);
  if (!wanted_locked(utterance_id)) return;
  // A failed utterance is over: its queued and later pieces are ignored.
  closed_ids_.insert(utterance_id);
  std::erase_if(queue_, [&](const Piece& piece) { return piece.utterance_id == utterance_id; });
  listener_.on_error(utterance_id, error);
}

bool ElevenLabsStreamInputSession::wanted(std::uint64_t utterance_id) {
  std::lock_guard lock(mutex_);
  return wanted_locked(utterance_id);
}

bool ElevenLabsStreamInputSession::wanted_locked(std::uint64_t utterance_id) const {
  return !stopping_ && closed_ids_.count(utterance_id) == 0;
}

bool ElevenLabsStreamInputSession::pause_unless_unwanted(std::uint64_t utterance_id, milliseconds pause) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, pause, [&] { return !wanted_locked(utterance_id); });
}

}  // namespace callagent::plugins
