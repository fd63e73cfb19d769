// Synthesised audio of the fixed phrases (greeting, goodbye, idle check, apology), per
// voice and text, so the greeting starts within milliseconds of `start` and an apology
// can still be spoken when the TTS itself is failing.
//
// Threading: thread-safe (a mutex; entries are immutable once stored and shared).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace callagent::pipeline {

class PhraseCache {
 public:
  using Audio = std::shared_ptr<const std::vector<std::uint8_t>>;  // μ-law 8 kHz

  Audio find(std::string_view voice_key, std::string_view text) const;
  void store(std::string_view voice_key, std::string_view text, std::vector<std::uint8_t> mulaw_audio);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Audio, std::less<>> entries_;  // voice_key + '\n' + text
};

}  // namespace callagent::pipeline
