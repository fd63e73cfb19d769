#include "pocketsphinx_session.h"

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "sphinx_decoder.h"

namespace callagent::plugins::pocketsphinx {
namespace {

constexpr std::int64_t kSamplesPerMs = SphinxDecoder::kSampleRateHz / 1000;

std::string seconds_text(std::int64_t samples) {
  const std::int64_t tenths = samples * 10 / SphinxDecoder::kSampleRateHz;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

}  // namespace

PocketsphinxSession::PocketsphinxSession(EndpointingSettings settings, DecoderPool& pool,
                                         std::unique_ptr<SphinxDecoder> decoder,
                                         SttListener& listener, Logger& logger)
    : logger_(logger),
      queue_(static_cast<std::size_t>(kMaxQueuedAudioMs * kSamplesPerMs)),
      worker_(settings, pool, std::move(decoder), queue_, listener, logger) {}

PocketsphinxSession::~PocketsphinxSession() { close(); }

Status PocketsphinxSession::start() {
  try {
    thread_ = std::thread([this] {
      name_this_thread("stt-sphinx");
      worker_.run();
    });
    return Status::ok();
  } catch (const std::exception& error) {
    closed_ = true;
    worker_.give_back_decoder();
    return Status(ErrorCode::capacity,
                  std::string("pocketsphinx: cannot start the session's thread: ") + error.what());
  }
}

Status PocketsphinxSession::send_audio(const AudioChunk& chunk) noexcept {
  try {
    return queue_chunk(chunk);
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("pocketsphinx: ") + error.what());
  } catch (...) {
    return Status(ErrorCode::internal, "pocketsphinx: unknown exception in send_audio");
  }
}

Status PocketsphinxSession::queue_chunk(const AudioChunk& chunk) {
  if (closed_) return Status(ErrorCode::cancelled, "pocketsphinx: send_audio after close");
  if (worker_.failed()) {
    return Status(ErrorCode::internal, "pocketsphinx: recognition stopped after an error");
  }
  if (chunk.encoding != AudioEncoding::pcm16_le || chunk.sample_rate_hz != SphinxDecoder::kSampleRateHz) {
    return Status(ErrorCode::invalid_argument,
                  "pocketsphinx: expects pcm16_le audio at 16000 Hz (its input_format), got " +
                      std::to_string(chunk.sample_rate_hz) + " Hz " +
                      (chunk.encoding == AudioEncoding::pcm16_le ? "pcm16_le" : "8-bit G.711"));
  }
  if (chunk.size_bytes % 2 != 0) {
    return Status(ErrorCode::invalid_argument, "pocketsphinx: a pcm16 chunk must hold whole samples");
  }
  if (chunk.size_bytes == 0) return Status::ok();

  // The bytes are little-endian whatever this machine is.
  std::vector<std::int16_t> samples(chunk.size_bytes / 2);
  for (std::size_t index = 0; index < samples.size(); ++index) {
    const auto low = static_cast<std::uint16_t>(chunk.data[2 * index]);
    const auto high = static_cast<std::uint16_t>(chunk.data[2 * index + 1]);
    samples[index] = static_cast<std::int16_t>(static_cast<std::uint16_t>(low | (high << 8)));
  }
  const auto sample_count = static_cast<std::int64_t>(samples.size());
  samples_received_ += sample_count;
  if (queue_.push_audio(std::move(samples), chunk.stream_offset_ms)) return Status::ok();

  samples_dropped_ += sample_count;
  if (!warned_backlog_) {
    warned_backlog_ = true;
    logger_.warn("decoding is more than " + std::to_string(kMaxQueuedAudioMs / 1000) +
                 " s behind the call: dropping audio until it catches up (host overloaded?)");
  }
  return Status(ErrorCode::capacity, "pocketsphinx: decoding is too far behind; chunk dropped");
}

void PocketsphinxSession::finalize() noexcept {
  if (closed_ || worker_.failed()) return;
  try {
    queue_.push_finalize();
  } catch (...) {
    // Out of memory: the utterance is still reported when the caller falls quiet.
  }
}

void PocketsphinxSession::close() noexcept {
  if (closed_) return;
  closed_ = true;
  queue_.stop();
  if (thread_.joinable()) thread_.join();
  try {
    std::string line = "session closed after " + seconds_text(samples_received_) + " of audio, " +
                       std::to_string(worker_.finals_reported()) + " final transcripts";
    if (samples_dropped_ > 0) line += ", " + seconds_text(samples_dropped_) + " dropped while behind";
    logger_.info(line);
  } catch (...) {
    // Out of memory while logging: the session is closed all the same.
  }
}

bool PocketsphinxSession::wait_until_processed_for_testing(std::chrono::milliseconds timeout) {
  return queue_.wait_until_idle(timeout);
}

}  // namespace callagent::plugins::pocketsphinx
