#include "tests/fake_plugins/fake_tts/fake_tts.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "tests/fake_plugins/common/mulaw_signal.h"
#include "tests/fake_plugins/common/plugin_config.h"
#include "tests/fake_plugins/fake_tts/tone_speech.h"

namespace callagent::fake_plugins {
namespace {

constexpr std::int64_t kChunkMs = 20;  // the host's and Twilio's frame
constexpr std::size_t kChunkBytes = static_cast<std::size_t>(kChunkMs) * kMulawBytesPerMs;
constexpr std::int64_t kMaxDelayMs = 60'000;
constexpr std::int64_t kMaxMsPerCharacter = 1'000;

}  // namespace

Result<FakeTtsConfig> parse_fake_tts_config(std::string_view config_json) {
  nlohmann::json root;
  if (Status parsed = parse_config_object(config_json,
                                          {"first_audio_delay_ms", "ms_per_character", "realtime"}, root);
      !parsed) {
    return parsed;
  }
  FakeTtsConfig config;
  if (Status status = read_config_integer(root, "first_audio_delay_ms", 0, kMaxDelayMs,
                                          config.first_audio_delay_ms);
      !status) {
    return status;
  }
  if (Status status = read_config_integer(root, "ms_per_character", 1, kMaxMsPerCharacter,
                                          config.ms_per_character);
      !status) {
    return status;
  }
  if (Status status = read_config_bool(root, "realtime", config.realtime); !status) return status;
  return config;
}

// --- session ---------------------------------------------------------------------------

AutonomousTtsSession::AutonomousTtsSession(FakeTtsConfig config, TtsListener& listener, Logger& logger)
    : config_(config), listener_(listener), logger_(logger), worker_([this] { run_worker(); }) {}

AutonomousTtsSession::~AutonomousTtsSession() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  logger_.info("session closed");
}

Status AutonomousTtsSession::synthesize(std::uint64_t utterance_id, std::string_view text,
                                        bool end_of_utterance) noexcept {
  try {
    std::lock_guard lock(mutex_);
    if (cancelled_ids_.contains(utterance_id)) return Status::ok();
    queue_.push_back(Piece{utterance_id, std::string(text), end_of_utterance, Clock::now()});
    wake_.notify_all();
    return Status::ok();
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("fake_tts: ") + error.what());
  }
}

void AutonomousTtsSession::cancel(std::uint64_t utterance_id) noexcept {
  try {
    std::lock_guard lock(mutex_);
    std::erase_if(queue_, [utterance_id](const Piece& piece) { return piece.utterance_id == utterance_id; });
    progress_.erase(utterance_id);
    cancelled_ids_.insert(utterance_id);
    wake_.notify_all();
  } catch (const std::exception& error) {
    logger_.error(std::string("cancel failed: ") + error.what());
  }
}

void AutonomousTtsSession::run_worker() {
  try {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      const Piece piece = std::move(queue_.front());
      queue_.pop_front();
      play(lock, piece);
    }
  } catch (const std::exception& error) {
    logger_.error(std::string("worker stopped: ") + error.what());
  }
}

void AutonomousTtsSession::play(std::unique_lock<std::mutex>& lock, const Piece& piece) {
  const std::uint64_t id = piece.utterance_id;
  // A copy, written back at the end: cancel() may erase the map entry while we wait.
  Progress progress = progress_[id];
  const ToneSpeech speech =
      render_tone_speech(piece.text, config_.ms_per_character, progress.audio_sent_ms, progress.words_spoken);

  if (!progress.audio_started) {
    const auto due = piece.received_at + std::chrono::milliseconds(config_.first_audio_delay_ms);
    if (interrupted_while_waiting(lock, due, id)) return;
    progress.audio_started = true;
  }
  // A piece that arrives after the previous one finished playing resumes from now.
  progress.next_chunk_due = std::max(progress.next_chunk_due, Clock::now());

  if (!speech.words.empty()) listener_.on_word_timings(id, speech.words);
  const std::size_t total_bytes = speech.audio_mulaw.size();
  for (std::size_t offset = 0; offset < total_bytes; offset += kChunkBytes) {
    if (config_.realtime && interrupted_while_waiting(lock, progress.next_chunk_due, id)) return;
    AudioChunk chunk;
    chunk.data = speech.audio_mulaw.data() + offset;
    chunk.size_bytes = std::min(kChunkBytes, total_bytes - offset);
    chunk.encoding = AudioEncoding::mulaw;
    chunk.sample_rate_hz = kFakeSampleRateHz;
    chunk.stream_offset_ms = progress.audio_sent_ms;
    listener_.on_audio(id, chunk);
    const std::int64_t chunk_ms = chunk.duration_ms();
    progress.audio_sent_ms += chunk_ms;
    progress.next_chunk_due += std::chrono::milliseconds(chunk_ms);
  }
  progress.words_spoken += speech.word_count;
  logger_.debug("utterance " + std::to_string(id) + ": " +
                std::to_string(total_bytes / kMulawBytesPerMs) + " ms for \"" + piece.text + "\"");

  if (piece.end_of_utterance) {
    progress_.erase(id);
    listener_.on_utterance_done(id);
  } else {
    progress_[id] = progress;
  }
}

bool AutonomousTtsSession::interrupted_while_waiting(std::unique_lock<std::mutex>& lock,
                                                     Clock::time_point due, std::uint64_t utterance_id) {
  // The lock is held from this check to the callback after it, so a cancel() either comes
  // before the check (and wins) or after the callback.
  return wake_.wait_until(lock, due, [this, utterance_id] {
    return stopping_ || cancelled_ids_.contains(utterance_id);
  });
}

// --- provider --------------------------------------------------------------------------

Status AutonomousTtsProvider::validate_config(std::string_view config_json) {
  return parse_fake_tts_config(config_json).status();
}

Result<std::unique_ptr<AutonomousTtsProvider>> AutonomousTtsProvider::create(
    const ProviderContext& context) {
  auto config = parse_fake_tts_config(context.config_json);
  if (!config) return config.status();
  context.logger.info(std::to_string(config.value().ms_per_character) + " ms per character, " +
                      (config.value().realtime ? "paced in real time" : "as fast as possible"));
  return std::make_unique<AutonomousTtsProvider>(config.value());
}

AutonomousTtsProvider::AutonomousTtsProvider(FakeTtsConfig config) : config_(config) {}

AudioFormat AutonomousTtsProvider::output_format() const noexcept {
  return AudioFormat{AudioEncoding::mulaw, kFakeSampleRateHz};
}

std::string AutonomousTtsProvider::voice_key() const {
  return "fake_tts:" + std::to_string(config_.ms_per_character);
}

Result<std::unique_ptr<TtsSession>> AutonomousTtsProvider::open_session(
    const SessionContext& context, TtsListener& listener) noexcept {
  try {
    auto session = std::make_unique<AutonomousTtsSession>(config_, listener, context.logger);
    context.logger.info("session open");
    return std::unique_ptr<TtsSession>(std::move(session));
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("fake_tts: ") + error.what());
  }
}

}  // namespace callagent::fake_plugins
