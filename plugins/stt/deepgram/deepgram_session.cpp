#include "deepgram_session.h"

#include <utility>

namespace callagent::plugins::deepgram {
namespace {
// The worker's own drain is StreamWorker::kCloseDrain; this adds room for the close
// handshake. A worker still busy after it is stuck in a connect and is left behind.
constexpr std::chrono::milliseconds kCloseWait{1500};
}  // namespace

DeepgramSession::DeepgramSession(DeepgramConfig config, Endpoint endpoint, SttListener& listener, Logger& logger,
                                 ProviderMetrics& metrics)
    : worker_(std::make_shared<StreamWorker>(std::move(config), std::move(endpoint), listener, logger, metrics)) {
  // The thread holds its own reference: it may outlive this object (see close()).
  thread_ = std::thread([worker = worker_] {
    name_this_thread("stt-deepgram");
    worker->run();
  });
}

DeepgramSession::~DeepgramSession() { close(); }

Status DeepgramSession::send_audio(const AudioChunk& chunk) noexcept {
  if (closed_) return Status(ErrorCode::cancelled, "the Deepgram session is closed");
  if (chunk.encoding != AudioEncoding::mulaw || chunk.sample_rate_hz != 8000) {
    return Status(ErrorCode::invalid_argument, "stt_deepgram takes mu-law 8 kHz audio");
  }
  // An empty binary frame makes Deepgram close the stream (protocols.md §3.1).
  if (chunk.size_bytes == 0 || chunk.data == nullptr) return Status::ok();
  // Usually sent from here at once; otherwise queued for the worker (stream_worker.h).
  if (worker_->send_audio_now(std::span(chunk.data, chunk.size_bytes), chunk.stream_offset_ms)) return Status::ok();
  try {
    AudioFrame frame{std::vector<std::uint8_t>(chunk.data, chunk.data + chunk.size_bytes), chunk.stream_offset_ms};
    if (worker_->queue_audio(std::move(frame)) > 0 && !warned_overflow_) {
      warned_overflow_ = true;
      worker_->gate().log(LogLevel::warn, "Deepgram is unreachable: dropping the oldest buffered audio (10 s kept)");
    }
  } catch (const std::bad_alloc&) {
    return Status(ErrorCode::capacity, "out of memory buffering audio for Deepgram");
  }
  return Status::ok();
}

void DeepgramSession::finalize() noexcept {
  if (!closed_) worker_->request_finalize();
}

void DeepgramSession::close() noexcept {
  if (closed_) return;
  closed_ = true;
  worker_->request_close();
  const bool finished = worker_->wait_finished(kCloseWait);
  // From here on the worker cannot reach the listener or the logger.
  worker_->gate().shut();
  if (finished) {
    thread_.join();
  } else {
    thread_.detach();
  }
}

}  // namespace callagent::plugins::deepgram
