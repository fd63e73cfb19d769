// Writes the Media Streams messages Twilio sends to the host (../shared/protocols.md §1.2,
// inbound) for one stream, numbering them as Twilio does: `connected` carries no
// sequence number, `start` is 1, and every later message (media, mark, dtmf, stop) takes
// the next number, across all kinds.
//
// Threading: not thread-safe. Numbers are handed out in call order, so the owner must
// write and send under one lock to keep the numbers increasing on the wire.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tools/call-sim/caller_audio_pacer.h"

namespace callagent::callsim {

struct StreamIdentity {
  std::string stream_sid;   // MZ…
  std::string account_sid;  // AC…
  std::string call_sid;     // CA…, the one the voice webhook announced
};

class TwilioMessageWriter {
 public:
  explicit TwilioMessageWriter(StreamIdentity identity);

  std::string connected() const;
  // `custom_parameters`: the TwiML's <Parameter>s, in document order.
  std::string start(const std::vector<std::pair<std::string, std::string>>& custom_parameters);
  std::string media(const CallerFrame& frame);
  std::string mark(std::string_view name);
  std::string dtmf(std::string_view digit);
  std::string stop();

  // The number the last message took; 0 before `start`.
  std::uint64_t last_sequence_number() const noexcept { return next_sequence_number_ - 1; }
  const StreamIdentity& identity() const noexcept { return identity_; }

 private:
  StreamIdentity identity_;
  std::uint64_t next_sequence_number_ = 1;
};

}  // namespace callagent::callsim
