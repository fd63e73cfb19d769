#include "host/telephony/conversation_id.h"

#include <array>
#include <stdexcept>

#include <openssl/rand.h>

namespace callagent::telephony {

std::string new_conversation_id() {
  std::array<unsigned char, 16> random_bytes{};
  if (RAND_bytes(random_bytes.data(), static_cast<int>(random_bytes.size())) != 1) {
    // Without randomness the ids would be guessable; refusing the call is the safe failure.
    throw std::runtime_error("the system random number generator failed");
  }
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string id;
  id.reserve(32);
  for (const unsigned char byte : random_bytes) {
    id += kHexDigits[byte >> 4];
    id += kHexDigits[byte & 0x0F];
  }
  return id;
}

bool is_conversation_id(std::string_view text) noexcept {
  if (text.size() != 32) return false;
  for (const char character : text) {
    const bool hex = (character >= '0' && character <= '9') || (character >= 'a' && character <= 'f');
    if (!hex) return false;
  }
  return true;
}

}  // namespace callagent::telephony
