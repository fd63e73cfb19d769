// Names the calling thread, so `top -H`, /proc/<pid>/task/*/comm and profilers show which
// plugin a thread belongs to. Without it a thread takes the name of the thread that started
// it — for a per-call session, whichever host thread opened the call ("streams-0",
// "call-1"), which makes the host's own threads look busier than they are.
// Header-only; no ABI of its own. Linux keeps 15 characters; longer names are cut.
#pragma once

#include <pthread.h>

#include <algorithm>
#include <cstring>

namespace callagent {

inline void name_this_thread(const char* name) noexcept {
  char truncated[16] = {};
  std::memcpy(truncated, name, std::min(std::strlen(name), sizeof truncated - 1));
  (void)pthread_setname_np(pthread_self(), truncated);
}

}  // namespace callagent
