#include "tests/fake_plugins/fake_stt/fake_stt.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "tests/fake_plugins/common/mulaw_signal.h"
#include "tests/fake_plugins/common/plugin_config.h"
#include "tests/fake_plugins/common/words.h"

namespace callagent::fake_plugins {
namespace {

// Louder than this is speech: far above line noise and μ-law's quantisation floor, far
// below any voice (and the fakes' own -20 dBFS tones).
constexpr double kSpeechThresholdDbfs = -40.0;
constexpr std::int64_t kFrameMs = 20;
// About one word per interim, like a streaming recogniser's partials.
constexpr std::int64_t kInterimEverySpeechMs = 300;
constexpr std::int64_t kMaxEndpointingMs = 60'000;
constexpr float kConfidence = 0.9F;

}  // namespace

Result<FakeSttConfig> parse_fake_stt_config(std::string_view config_json) {
  nlohmann::json root;
  if (Status parsed = parse_config_object(config_json, {"transcripts", "endpointing_ms", "interim"}, root);
      !parsed) {
    return parsed;
  }
  FakeSttConfig config;
  if (!root.contains("transcripts")) {
    return config_error("transcripts", "required: the lines to report, in order");
  }
  if (Status status = read_config_string_list(root, "transcripts", /*require_non_empty=*/true,
                                              config.transcripts);
      !status) {
    return status;
  }
  if (Status status = read_config_integer(root, "endpointing_ms", 0, kMaxEndpointingMs,
                                          config.endpointing_ms);
      !status) {
    return status;
  }
  if (Status status = read_config_bool(root, "interim", config.interim); !status) return status;
  return config;
}

// --- session ---------------------------------------------------------------------------

AutonomousSttSession::AutonomousSttSession(FakeSttConfig config, SttListener& listener,
                                           Logger& logger)
    : config_(std::move(config)), listener_(listener), logger_(logger) {}

AutonomousSttSession::~AutonomousSttSession() { close(); }

Status AutonomousSttSession::send_audio(const AudioChunk& chunk) noexcept {
  if (closed_) return Status(ErrorCode::cancelled, "fake_stt: send_audio after close");
  if (chunk.encoding != AudioEncoding::mulaw || chunk.sample_rate_hz == 0) {
    return Status(ErrorCode::invalid_argument, "fake_stt: expects mu-law audio");
  }
  try {
    const std::size_t frame_bytes =
        static_cast<std::size_t>(chunk.sample_rate_hz) * kFrameMs / 1000;
    const std::span<const std::uint8_t> audio(chunk.data, chunk.size_bytes);
    std::int64_t frame_start_ms = chunk.stream_offset_ms;
    for (std::size_t offset = 0; offset < audio.size(); offset += frame_bytes) {
      const auto frame = audio.subspan(offset, std::min(frame_bytes, audio.size() - offset));
      const auto duration_ms =
          static_cast<std::int64_t>(frame.size()) * 1000 / static_cast<std::int64_t>(chunk.sample_rate_hz);
      on_frame(frame, frame_start_ms, duration_ms);
      frame_start_ms += duration_ms;
    }
    audio_received_ms_ += chunk.duration_ms();
    return Status::ok();
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("fake_stt: ") + error.what());
  }
}

void AutonomousSttSession::finalize() noexcept {
  if (closed_ || !in_utterance_) return;
  try {
    finish_utterance(/*speech_final=*/false);
  } catch (const std::exception& error) {
    listener_.on_error(Status(ErrorCode::internal, std::string("fake_stt: ") + error.what()),
                       /*recoverable=*/true);
  }
}

void AutonomousSttSession::close() noexcept {
  if (closed_) return;
  closed_ = true;
  logger_.info("session closed after " + std::to_string(audio_received_ms_) +
               " ms of audio, " + std::to_string(utterances_reported_) + " utterances");
}

void AutonomousSttSession::on_frame(std::span<const std::uint8_t> frame, std::int64_t start_ms,
                                    std::int64_t duration_ms) {
  const bool loud = mulaw_rms_dbfs(frame) > kSpeechThresholdDbfs;
  if (loud) {
    if (!in_utterance_) {
      in_utterance_ = true;
      utterance_start_ms_ = start_ms;
      speech_heard_ms_ = 0;
      interims_reported_ = 0;
      listener_.on_speech_started(start_ms);
    }
    speech_heard_ms_ += duration_ms;
    last_speech_end_ms_ = start_ms + duration_ms;
    quiet_heard_ms_ = 0;
    const auto next_interim_at_ms =
        static_cast<std::int64_t>(interims_reported_ + 1) * kInterimEverySpeechMs;
    if (config_.interim && speech_heard_ms_ >= next_interim_at_ms) report_interim(last_speech_end_ms_);
    return;
  }
  if (!in_utterance_) return;
  quiet_heard_ms_ += duration_ms;
  if (quiet_heard_ms_ >= config_.endpointing_ms) finish_utterance(/*speech_final=*/true);
}

void AutonomousSttSession::report_interim(std::int64_t now_ms) {
  ++interims_reported_;
  const auto words = split_words(current_line());
  // One more word per interim, never past the line.
  const std::size_t shown = std::min(words.size(), interims_reported_);
  SttResult result;
  for (std::size_t index = 0; index < shown; ++index) {
    if (index > 0) result.transcript += ' ';
    result.transcript += words[index];
  }
  result.confidence = kConfidence / 2;
  result.start_ms = utterance_start_ms_;
  result.duration_ms = now_ms - utterance_start_ms_;
  listener_.on_result(result);
}

void AutonomousSttSession::finish_utterance(bool speech_final) {
  SttResult result;
  result.transcript = current_line();
  result.confidence = kConfidence;
  result.is_final = true;
  result.speech_final = speech_final;
  result.start_ms = utterance_start_ms_;
  result.duration_ms = last_speech_end_ms_ - utterance_start_ms_;
  // Spread the words evenly over the speech: the fake knows no better, and the host only
  // needs plausible, ordered times on the caller's timeline.
  const auto words = split_words(result.transcript);
  const auto word_count = static_cast<std::int64_t>(words.size());
  for (std::int64_t index = 0; index < word_count; ++index) {
    SttWord word;
    word.text = words[static_cast<std::size_t>(index)];
    word.start_ms = utterance_start_ms_ + result.duration_ms * index / word_count;
    word.end_ms = utterance_start_ms_ + result.duration_ms * (index + 1) / word_count;
    word.confidence = kConfidence;
    result.words.push_back(std::move(word));
  }
  next_line_index_ = (next_line_index_ + 1) % config_.transcripts.size();
  in_utterance_ = false;
  quiet_heard_ms_ = 0;
  ++utterances_reported_;

  logger_.debug(std::string(speech_final ? "final (speech_final)" : "final (finalize)") + " [" +
                std::to_string(result.start_ms) + " ms +" + std::to_string(result.duration_ms) +
                " ms]: " + result.transcript);
  listener_.on_result(result);
  if (speech_final) listener_.on_utterance_end(last_speech_end_ms_);
}

const std::string& AutonomousSttSession::current_line() const {
  return config_.transcripts[next_line_index_];
}

// --- provider --------------------------------------------------------------------------

Status AutonomousSttProvider::validate_config(std::string_view config_json) {
  return parse_fake_stt_config(config_json).status();
}

Result<std::unique_ptr<AutonomousSttProvider>> AutonomousSttProvider::create(
    const ProviderContext& context) {
  auto config = parse_fake_stt_config(context.config_json);
  if (!config) return config.status();
  context.logger.info(std::to_string(config.value().transcripts.size()) +
                      " scripted lines, endpointing " +
                      std::to_string(config.value().endpointing_ms) + " ms");
  return std::make_unique<AutonomousSttProvider>(std::move(config).value());
}

AutonomousSttProvider::AutonomousSttProvider(FakeSttConfig config) : config_(std::move(config)) {}

AudioFormat AutonomousSttProvider::input_format() const noexcept {
  return AudioFormat{AudioEncoding::mulaw, kFakeSampleRateHz};
}

Result<std::unique_ptr<SttSession>> AutonomousSttProvider::open_session(
    const SessionContext& context, SttListener& listener) noexcept {
  try {
    auto session = std::make_unique<AutonomousSttSession>(config_, listener, context.logger);
    context.logger.info("session open");
    return std::unique_ptr<SttSession>(std::move(session));
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("fake_stt: ") + error.what());
  }
}

}  // namespace callagent::fake_plugins
