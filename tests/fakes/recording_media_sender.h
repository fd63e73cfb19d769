// A MediaStreamSender that records what the host would have sent to Twilio, in order.
// Threading: thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "host/telephony/media_stream_port.h"

namespace callagent::testing {

class RecordingMediaSender final : public telephony::MediaStreamSender {
 public:
  struct Sent {
    enum class Kind { media, mark, clear, close } kind;
    std::vector<std::uint8_t> audio;  // media
    std::string name;                 // mark name, or close reason
    std::uint16_t close_code = 0;
  };

  void send_media(std::span<const std::uint8_t> mulaw_audio) override {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    sent_.push_back({Sent::Kind::media, {mulaw_audio.begin(), mulaw_audio.end()}, {}, 0});
  }
  void send_mark(std::string_view name) override {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    sent_.push_back({Sent::Kind::mark, {}, std::string(name), 0});
  }
  void send_clear() override {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    sent_.push_back({Sent::Kind::clear, {}, {}, 0});
  }
  void close(std::uint16_t code, std::string_view reason) override {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    sent_.push_back({Sent::Kind::close, {}, std::string(reason), code});
  }

  std::vector<Sent> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  // Names of marks sent and not yet taken with take_marks().
  std::vector<std::string> take_marks() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (; marks_taken_ < sent_.size(); ++marks_taken_) {
      if (sent_[marks_taken_].kind == Sent::Kind::mark) names.push_back(sent_[marks_taken_].name);
    }
    return names;
  }
  std::size_t audio_bytes() const {
    std::lock_guard lock(mutex_);
    std::size_t total = 0;
    for (const auto& item : sent_) total += item.audio.size();
    return total;
  }
  std::size_t count(Sent::Kind kind) const {
    std::lock_guard lock(mutex_);
    std::size_t total = 0;
    for (const auto& item : sent_) total += item.kind == kind ? 1 : 0;
    return total;
  }
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Sent> sent_;
  std::size_t marks_taken_ = 0;
  bool closed_ = false;
};

}  // namespace callagent::testing
