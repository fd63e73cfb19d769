// Counters of what the Twilio-facing side saw; telephony_metrics.h exposes them on /metrics.
// Threading: lock-free atomics, bumped from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace callagent::telephony {

struct TelephonyCounters {
  std::atomic<std::uint64_t> webhooks_answered{0};
  std::atomic<std::uint64_t> webhooks_signature_missing{0};
  std::atomic<std::uint64_t> webhooks_signature_invalid{0};
  std::atomic<std::uint64_t> webhooks_busy{0};
  std::atomic<std::uint64_t> webhooks_state_store_failed{0};
  std::atomic<std::uint64_t> webhooks_unavailable{0};           // no pipeline configured
  std::atomic<std::uint64_t> webhooks_unknown_conversation{0};  // /outbound_call/{id} with no record
  std::atomic<std::uint64_t> streams_opened{0};
  std::atomic<std::uint64_t> streams_refused{0};
  std::atomic<std::uint64_t> frames_received{0};
  std::atomic<std::uint64_t> frames_sent{0};
  // Indexed by twilio::FrameProblem, plus slots for oversized frames and frames over the
  // message rate.
  std::array<std::atomic<std::uint64_t>, 7> bad_frames{};
  std::atomic<std::uint64_t> streams_closed_for_garbage{0};
  std::atomic<std::uint64_t> silence_filled_ms{0};
};

inline constexpr std::size_t kOversizedFrameSlot = 5;
inline constexpr std::size_t kTooFastFrameSlot = 6;

}  // namespace callagent::telephony
