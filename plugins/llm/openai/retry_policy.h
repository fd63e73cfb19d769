// When to try a failed request again, and how long to wait first. Mirrors the official
// SDK (protocols.md §4.4): the server's retry-after-ms, then Retry-After (seconds), else
// exponential backoff with jitter. Retrying is only ever considered before the first
// token reached the listener; that rule lives with the caller.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace callagent::plugins::openai {

// The longest server-asked wait we accept. Beyond it the caller would hear silence for
// too long; the request fails instead (the SDK has the same cut-off idea).
inline constexpr std::chrono::milliseconds kMaxServerRetryDelay{60'000};

// The delay the server asked for; nullopt when neither header is present or parses.
std::optional<std::chrono::milliseconds> server_retry_delay(std::string_view retry_after_ms,
                                                            std::string_view retry_after_seconds);

// Backoff before retry number `retry` (1 for the first): 0.5 s · 2^(retry-1), capped at
// 8 s, scaled by `jitter` in [0, 1] to 75–100 % so sessions do not retry in lockstep.
std::chrono::milliseconds backoff_delay(int retry, double jitter);

// "1.2 s", for log lines.
std::string describe_seconds(std::chrono::milliseconds delay);

}  // namespace callagent::plugins::openai
