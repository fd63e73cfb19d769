#include "elevenlabs_tts_session.h"

#include <chrono>
#include <exception>
#include <utility>

#include <Poco/Exception.h>

#include "elevenlabs_errors.h"
#include "elevenlabs_request.h"

namespace callagent::plugins {
namespace {

constexpr std::size_t kReadBytes = 4096;
constexpr std::size_t kMaxErrorBodyBytes = 16 * 1024;
// Pause before a retry: long enough for a "too many concurrent requests" to clear, short
// enough not to be heard as a long silence.
constexpr std::chrono::milliseconds kRetryPauseStep{100};

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

}  // namespace

ElevenLabsTtsSession::ElevenLabsTtsSession(std::shared_ptr<const ElevenLabsTtsConfig> config,
                                           Poco::Net::Context::Ptr tls_context, TtsListener& listener,
                                           Logger& logger, ProviderMetrics& metrics)
    : config_(std::move(config)),
      listener_(listener),
      logger_(logger),
      metrics_(metrics),
      connection_(config_->endpoint, config_->connect_timeout_ms, std::move(tls_context)),
      worker_([this] {
        name_this_thread("tts-elevenlabs");
        run_worker();
      }) {}

ElevenLabsTtsSession::~ElevenLabsTtsSession() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  connection_.abort();
  wake_.notify_all();
  worker_.join();
}

Status ElevenLabsTtsSession::synthesize(std::uint64_t utterance_id, std::string_view text,
                                        bool end_of_utterance) noexcept {
  try {
    {
      std::lock_guard lock(mutex_);
      if (closed_ids_.count(utterance_id) != 0) return Status::ok();  // cancelled or failed: ignored
      queue_.push_back(Piece{utterance_id, std::string(text), end_of_utterance});
    }
    wake_.notify_all();
    return Status::ok();
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("tts_elevenlabs could not queue text: ") + error.what());
  }
}

void ElevenLabsTtsSession::cancel(std::uint64_t utterance_id) noexcept {
  try {
    std::lock_guard lock(mutex_);
    closed_ids_.insert(utterance_id);
    audio_sent_bytes_.erase(utterance_id);
    std::erase_if(queue_, [&](const Piece& piece) { return piece.utterance_id == utterance_id; });
    // The worker's read returns at once; it sees the cancel and drops the connection.
    if (in_flight_id_ == utterance_id) connection_.abort();
  } catch (...) {  // only allocation can throw here; the worker still checks before each callback
  }
  wake_.notify_all();
}

void ElevenLabsTtsSession::run_worker() noexcept {
  prewarm();
  for (;;) {
    Piece piece;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      piece = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      process(piece);
    } catch (const std::exception& error) {
      deliver_error(piece.utterance_id, Status(ErrorCode::internal, std::string("tts_elevenlabs: ") + error.what()));
    } catch (...) {
      deliver_error(piece.utterance_id, Status(ErrorCode::internal, "tts_elevenlabs: unknown failure"));
    }
    bool idle = false;
    {
      std::lock_guard lock(mutex_);
      in_flight_id_ = 0;
      idle = queue_.empty() && !stopping_;
    }
    if (idle) prewarm();
  }
}

void ElevenLabsTtsSession::prewarm() noexcept {
  if (connection_.connected()) return;
  try {
    connection_.connect();
    logger_.debug("connection to " + config_->endpoint.host + " ready");
  } catch (const Poco::Exception& error) {
    // Not an error yet: the next request connects again and reports a failure then.
    logger_.debug("could not open a connection ahead of time: " + error.displayText());
  } catch (const std::exception& error) {
    logger_.debug(std::string("could not open a connection ahead of time: ") + error.what());
  }
}

void ElevenLabsTtsSession::process(const Piece& piece) {
  if (!wanted(piece.utterance_id)) return;
  if (!is_blank(piece.text)) {
    const Status result = synthesize_with_retries(piece);
    if (!wanted(piece.utterance_id)) return;  // cancelled meanwhile: silent
    if (!result) {
      logger_.error("utterance " + std::to_string(piece.utterance_id) + " failed: " + result.message());
      deliver_error(piece.utterance_id, result);
      return;
    }
  }
  if (piece.end_of_utterance) deliver_done(piece.utterance_id);
}

Status ElevenLabsTtsSession::synthesize_with_retries(const Piece& piece) {
  bool stale_retry_used = false;
  for (int attempt = 0;; ++attempt) {
    const Attempt result = stream_once(piece);
    if (result.status) return Status::ok();
    if (!wanted(piece.utterance_id)) return Status(ErrorCode::cancelled, "cancelled");
    if (result.stale_connection && !stale_retry_used) {
      // The server closed an idle keep-alive connection: not the vendor's failure, so one
      // fresh connection is free of the retry budget.
      stale_retry_used = true;
      --attempt;
      continue;
    }
    if (!result.retryable || result.audio_started || attempt >= config_->max_retries) return result.status;
    metrics_.retry();
    logger_.warn("retrying utterance " + std::to_string(piece.utterance_id) + " (retry " +
                 std::to_string(attempt + 1) + " of " + std::to_string(config_->max_retries) +
                 ") after: " + result.status.message());
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, kRetryPauseStep * (attempt + 1),
                   [&] { return stopping_ || !wanted_locked(piece.utterance_id); });
  }
}

ElevenLabsTtsSession::Attempt ElevenLabsTtsSession::stream_once(const Piece& piece) {
  Attempt attempt;
  const bool reused = connection_.connected();
  HttpResponseReader reader(connection_);
  {
    std::lock_guard lock(mutex_);
    if (!wanted_locked(piece.utterance_id)) return {Status(ErrorCode::cancelled, "cancelled"), false, false, false};
    in_flight_id_ = piece.utterance_id;
  }
  const auto fail = [&](ErrorCode code, std::string message, bool retryable) {
    connection_.close();
    attempt.status = Status(code, redact(std::move(message), config_->api_key));
    attempt.retryable = retryable;
    attempt.stale_connection = reused && reader.bytes_received() == 0 && code != ErrorCode::timeout;
    return attempt;
  };
  try {
    if (!reused) connection_.connect();
    if (!wanted(piece.utterance_id)) return fail(ErrorCode::cancelled, "cancelled", false);
    // Bounds the wait for the answer and for each later read: a stall is a failure.
    connection_.set_receive_timeout_ms(config_->first_audio_timeout_ms);
    connection_.send_all(elevenlabs_stream_request(*config_, piece.text));
    const HttpResponseHead head = reader.read_head();
    metrics_.vendor_request(std::to_string(head.status));
    if (head.status == 429) metrics_.rate_limited();
    if (head.status != 200) {
      const std::string body = reader.read_body_text(kMaxErrorBodyBytes);
      if (!head.keep_alive) connection_.close();
      const VendorFailure failure = elevenlabs_http_failure(head.status, body, config_->api_key);
      attempt.status = failure.status;
      attempt.retryable = failure.retryable;
      return attempt;
    }
    framer_.reset();
    const MulawFramer::Emit emit = [&](const std::uint8_t* data, std::size_t size_bytes) {
      return deliver_audio(piece.utterance_id, data, size_bytes);
    };
    std::uint8_t buffer[kReadBytes];
    for (std::size_t count = reader.read_body(buffer, sizeof buffer); count > 0;
         count = reader.read_body(buffer, sizeof buffer)) {
      attempt.audio_started = true;
      if (!framer_.push(buffer, count, emit)) {
        connection_.close();  // cancelled mid-stream: the rest of the body is unwanted
        return {Status(ErrorCode::cancelled, "cancelled"), false, true, false};
      }
    }
    if (!head.keep_alive) connection_.close();
    if (!framer_.flush(emit)) return {Status(ErrorCode::cancelled, "cancelled"), false, true, false};
    return attempt;  // ok
  } catch (const HttpTruncated& error) {
    if (attempt.audio_started) return fail(ErrorCode::vendor_error, std::string("audio stream cut: ") + error.what(), false);
    return fail(ErrorCode::unavailable, std::string("ElevenLabs closed the connection: ") + error.what(), true);
  } catch (const HttpMalformed& error) {
    return fail(ErrorCode::vendor_error, std::string("ElevenLabs answered with a malformed response: ") + error.what(),
                false);
  } catch (const Poco::TimeoutException&) {
    if (attempt.audio_started) return fail(ErrorCode::vendor_error, "audio stream stalled", false);
    metrics_.vendor_request("timeout");
    return fail(ErrorCode::timeout,
                "no audio from ElevenLabs within " + std::to_string(config_->first_audio_timeout_ms) + " ms", false);
  } catch (const Poco::Exception& error) {
    if (attempt.audio_started) return fail(ErrorCode::vendor_error, "audio stream broke: " + error.displayText(), false);
    if (!reused || reader.bytes_received() != 0) metrics_.vendor_request("network_error");
    return fail(ErrorCode::unavailable, "cannot reach ElevenLabs: " + error.displayText(), true);
  }
}

bool ElevenLabsTtsSession::deliver_audio(std::uint64_t utterance_id, const std::uint8_t* data,
                                         std::size_t size_bytes) {
  std::lock_guard lock(mutex_);
  if (!wanted_locked(utterance_id)) return false;
  std::uint64_t& sent_bytes = audio_sent_bytes_[utterance_id];
  AudioChunk chunk;
  chunk.data = data;
  chunk.size_bytes = size_bytes;
  chunk.encoding = AudioEncoding::mulaw;
  chunk.sample_rate_hz = 8000;
  chunk.stream_offset_ms = static_cast<std::int64_t>(sent_bytes / 8);  // 8 bytes per ms at 8 kHz
  sent_bytes += size_bytes;
  listener_.on_audio(utterance_id, chunk);
  return true;
}

void ElevenLabsTtsSession::deliver_done(std::uint64_t utterance_id) {
  std::lock_guard lock(mutex_);
  if (!wanted_locked(utterance_id)) return;
  closed_ids_.insert(utterance_id);
  audio_sent_bytes_.erase(utterance_id);
  listener_.on_utterance_done(utterance_id);
}

void ElevenLabsTtsSession::deliver_error(std::uint64_t utterance_id, const Status& error) {
  std::lock_guard lock(mutex_);
  if (!wanted_locked(utterance_id)) return;
  // A failed utterance is over: its queued and later pieces are ignored.
  closed_ids_.insert(utterance_id);
  audio_sent_bytes_.erase(utterance_id);
  std::erase_if(queue_, [&](const Piece& piece) { return piece.utterance_id == utterance_id; });
  listener_.on_error(utterance_id, error);
}

bool ElevenLabsTtsSession::wanted(std::uint64_t utterance_id) {
  std::lock_guard lock(mutex_);
  return wanted_locked(utterance_id);
}

bool ElevenLabsTtsSession::wanted_locked(std::uint64_t utterance_id) const {
  return !stopping_ && closed_ids_.count(utterance_id) == 0;
}

}  // namespace callagent::plugins
