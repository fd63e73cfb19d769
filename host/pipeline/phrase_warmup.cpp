#include "host/pipeline/phrase_warmup.h"

#include <condition_variable>
#include <mutex>
#include <optional>

#include <spdlog/spdlog.h>

#include "host/pipeline/audio_format_converter.h"

namespace callagent::pipeline {
namespace {

// Collects one utterance's audio; the TTS calls it from its own threads.
class CollectingListener final : public TtsListener {
 public:
  void on_audio(std::uint64_t, const AudioChunk& chunk) noexcept override {
    std::lock_guard lock(mutex_);
    audio_.insert(audio_.end(), chunk.data, chunk.data + chunk.size_bytes);
  }
  void on_word_timings(std::uint64_t, const std::vector<TtsWordTiming>&) noexcept override {}
  void on_utterance_done(std::uint64_t) noexcept override {
    std::lock_guard lock(mutex_);
    done_ = true;
    changed_.notify_all();
  }
  void on_error(std::uint64_t, const Status& error) noexcept override {
    std::lock_guard lock(mutex_);
    error_ = error;
    done_ = true;
    changed_.notify_all();
  }
  // The audio, or nullopt on error or timeout.
  std::optional<std::vector<std::uint8_t>> wait(std::chrono::milliseconds timeout, Status& error) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [this] { return done_; })) {
      error = Status(ErrorCode::timeout, "no complete audio in time");
      return std::nullopt;
    }
    if (!error_.is_ok()) {
      error = error_;
      return std::nullopt;
    }
    return std::move(audio_);
  }
  void reset() {
    std::lock_guard lock(mutex_);
    audio_.clear();
    done_ = false;
    error_ = Status::ok();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::uint8_t> audio_;
  bool done_ = false;
  Status error_;
};

}  // namespace

std::size_t warm_phrase_cache(TtsProvider& tts, Logger& session_logger, PhraseCache& cache,
                              const std::vector<std::string>& phrases,
                              std::chrono::milliseconds timeout_per_phrase) {
  CallInfo warmup_call;
  warmup_call.conversation_id = "phrase-cache-warmup";
  CollectingListener listener;
  auto session = tts.open_session(SessionContext{warmup_call, session_logger}, listener);
  if (!session) {
    spdlog::warn("phrase cache: cannot open a TTS session: {}", session.status().message());
    return 0;
  }
  auto converter = AudioFormatConverter::create(tts.output_format(), AudioFormat{AudioEncoding::mulaw, 8000});
  if (!converter) return 0;
  std::size_t cached = 0;
  std::uint64_t utterance_id = 1;
  for (const auto& text : phrases) {
    if (text.empty() || cache.find(tts.voice_key(), text)) continue;
    listener.reset();
    if (const Status accepted = session.value()->synthesize(utterance_id, text, true); !accepted) {
      spdlog::warn("phrase cache: \"{}\" not synthesised: {}", text, accepted.message());
      continue;
    }
    Status error;
    auto audio = listener.wait(timeout_per_phrase, error);
    if (!audio) {
      session.value()->cancel(utterance_id);
      spdlog::warn("phrase cache: \"{}\" not synthesised: {}", text, error.message());
    } else {
      std::vector<std::uint8_t> mulaw;
      if (converter.value()->is_identity()) {
        mulaw = std::move(*audio);
      } else {
        converter.value()->convert(*audio, mulaw);
      }
      cache.store(tts.voice_key(), text, std::move(mulaw));
      ++cached;
    }
    ++utterance_id;
  }
  session.value().reset();  // joins the plugin's threads before the listener goes
  return cached;
}

}  // namespace callagent::pipeline
