// The provider's idle decoders, lent to sessions.
//
// Loading a decoder takes ~0.3 s and ~91 MB (see sphinx_decoder.h), far too slow for
// open_session(), so `decoders` of them are loaded at start-up. A session takes one for
// the whole call and gives it back at close. When none is idle, the session loads its own
// on its worker thread (never on the caller's) and gives that back too; the pool keeps at
// most `idle_limit` idle decoders and frees the rest, so idle memory stays at the
// configured size however busy the host was.
//
// Threading: thread-safe; one mutex guards the idle list and is never held while a
// decoder is loaded or freed. Ownership: owns its idle decoders; a taken decoder belongs
// to the taker until given back. Lifetime: outlives every session (the provider owns it).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "callagent/plugin_api/status.h"
#include "sphinx_decoder.h"

namespace callagent::plugins::pocketsphinx {

class DecoderPool {
 public:
  DecoderPool(DecoderSettings settings, std::size_t idle_limit);
  DecoderPool(const DecoderPool&) = delete;
  DecoderPool& operator=(const DecoderPool&) = delete;

  // Loads decoders until `count` are idle. Slow: for start-up.
  Status fill(std::size_t count);
  // An idle decoder, or null when none is left. Quick: safe on the caller's thread.
  std::unique_ptr<SphinxDecoder> try_take();
  // Loads a new decoder with the pool's settings. Slow: only on a worker thread.
  Result<std::unique_ptr<SphinxDecoder>> load();
  // Keeps the decoder for the next session, or frees it when idle_limit are idle.
  void give_back(std::unique_ptr<SphinxDecoder> decoder);

  std::size_t idle_count() const;
  // Decoders loaded since start-up, for diagnostics and tests.
  std::size_t loaded_count() const;

 private:
  const DecoderSettings settings_;
  const std::size_t idle_limit_;

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<SphinxDecoder>> idle_;  // guarded by mutex_
  std::size_t loaded_count_ = 0;                      // guarded by mutex_
};

}  // namespace callagent::plugins::pocketsphinx
