// SpeechSynthesizers that wrap the real one, for the session's timing-free tests: one that
// holds each synthesis until the test lets it through, one that fails on demand.
//
// Threading: thread-safe, like the interface; the session's worker calls synthesize().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

#include "plugins/tts/flite/speech_synthesizer.h"

namespace callagent::plugins::testing {

// Each synthesis waits at the gate until the test allows it (or opens the gate for good).
class GatedSynthesizer final : public SpeechSynthesizer {
 public:
  explicit GatedSynthesizer(const SpeechSynthesizer& inner) : inner_(inner) {}

  std::uint32_t sample_rate_hz() const noexcept override { return inner_.sample_rate_hz(); }
  Result<SynthesizedSpeech> synthesize(std::string_view text) const override {
    {
      std::unique_lock lock(mutex_);
      ++waiting_;
      changed_.notify_all();
      changed_.wait(lock, [this] { return open_for_good_ || allowed_ > 0; });
      --waiting_;
      if (allowed_ > 0) --allowed_;
    }
    return inner_.synthesize(text);
  }

  void allow(std::size_t syntheses) {
    {
      std::lock_guard lock(mutex_);
      allowed_ += syntheses;
    }
    changed_.notify_all();
  }
  void open_for_good() {
    {
      std::lock_guard lock(mutex_);
      open_for_good_ = true;
    }
    changed_.notify_all();
  }
  // True once a synthesis is waiting at the gate.
  bool wait_until_one_waits(std::chrono::seconds patience) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, patience, [this] { return waiting_ > 0; });
  }

 private:
  const SpeechSynthesizer& inner_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  mutable std::size_t waiting_ = 0;  // guarded by mutex_
  mutable std::size_t allowed_ = 0;  // guarded by mutex_
  bool open_for_good_ = false;       // guarded by mutex_
};

// Fails, as Flite would with no wave, on any text that contains `poison`.
class FailingSynthesizer final : public SpeechSynthesizer {
 public:
  FailingSynthesizer(const SpeechSynthesizer& inner, std::string poison)
      : inner_(inner), poison_(std::move(poison)) {}

  std::uint32_t sample_rate_hz() const noexcept override { return inner_.sample_rate_hz(); }
  Result<SynthesizedSpeech> synthesize(std::string_view text) const override {
    if (text.find(poison_) != std::string_view::npos) {
      return Status(ErrorCode::vendor_error, "Flite returned no audio for the text");
    }
    return inner_.synthesize(text);
  }

 private:
  const SpeechSynthesizer& inner_;
  const std::string poison_;
};

}  // namespace callagent::plugins::testing
