// What a Redis error reply means to the host: the ErrorCode and a message that names the
// command and the server, with the configured password scrubbed out of any server text.
#pragma once

#include <string>
#include <string_view>

#include "callagent/plugin_api.h"

namespace callagent::plugins::redis {

// True for replies that say the password is missing or wrong (NOAUTH, WRONGPASS, and the
// "invalid password" text of Redis before 6).
bool is_auth_error(std::string_view error_reply) noexcept;

// LOADING, MASTERDOWN, READONLY (a failed-over replica), TRYAGAIN and BUSY are `unavailable`:
// the server is there but cannot serve now. NOAUTH/WRONGPASS are `unauthenticated` with a
// message naming the `password` key. Anything else is `vendor_error`.
Status status_for_error_reply(std::string_view command, std::string_view error_reply,
                              std::string_view endpoint, std::string_view password);

// `text` with every occurrence of `secret` replaced by "***" (an empty secret: unchanged).
std::string scrub(std::string_view text, std::string_view secret);

}  // namespace callagent::plugins::redis
