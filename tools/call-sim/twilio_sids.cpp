#include "tools/call-sim/twilio_sids.h"

#include <cstdint>
#include <random>

namespace callagent::callsim {

std::string random_sid(std::string_view prefix) {
  // Per-thread generators: many calls run concurrently and must not share one unguarded.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string sid(prefix);
  sid.reserve(prefix.size() + 32);
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = generator();
    for (int digit = 0; digit < 16; ++digit) {
      sid.push_back(kHexDigits[bits & 0xFU]);
      bits >>= 4U;
    }
  }
  return sid;
}

}  // namespace callagent::callsim
