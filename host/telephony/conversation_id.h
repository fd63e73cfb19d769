// Conversation ids: the host's own unguessable name for a call. It appears in the stream
// URL Twilio connects to, so it must not be predictable: 128 random bits from the
// operating system's CSPRNG, as 32 lower-case hex digits.
#pragma once

#include <string>
#include <string_view>

namespace callagent::telephony {

std::string new_conversation_id();

// 32 lower-case hex digits: what new_conversation_id() makes. Anything else in a URL is
// refused before it reaches the state store.
bool is_conversation_id(std::string_view text) noexcept;

}  // namespace callagent::telephony
