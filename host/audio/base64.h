// Standard base64 (RFC 4648, with padding), written for the audio hot path: 50 frames a
// second per call each way. Encoding appends to a caller's buffer; decoding writes into a
// caller's buffer, so a steady stream reuses memory instead of allocating.
//
// Threading: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace callagent::audio {

// Appends the base64 of `data` to `output`.
void base64_encode_append(std::span<const std::uint8_t> data, std::string& output);

// Decodes `text` into `output` (cleared first). Returns false on any character outside
// the alphabet, bad padding or a length that is not a multiple of 4; `error_offset`
// then holds the offending position.
bool base64_decode(std::string_view text, std::vector<std::uint8_t>& output,
                   std::size_t& error_offset);

}  // namespace callagent::audio
