// stt_pocketsphinx: offline speech recognition with CMU PocketSphinx (Debian's
// 0.8+5prealpha and its en-us models). No network, no account: the offline set's STT.
//
// The host converts the caller's μ-law 8 kHz to 16 kHz PCM16 for it (input_format). Each
// call gets a session with its own thread and a decoder borrowed from the provider's pool
// (decoder_pool.h); endpointing is described in session_worker.h.
//
// Config (every key optional, unknown keys refused; see pocketsphinx_config.h):
//   {"model_dir": ".../en-us/en-us", "dictionary": ".../cmudict-en-us.dict",
//    "language_model": ".../en-us.lm.bin", "grammar": "menu.gram",
//    "end_of_utterance_silence_ms": 600, "interim_interval_ms": 400, "decoders": 2,
//    "log_file": "/dev/null"}
// Memory: about 91 MB per decoder with the default language model (28 MB with a grammar),
// `decoders` of them from start-up; see sphinx_decoder.h.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "callagent/plugin_api.h"
#include "decoder_pool.h"
#include "pocketsphinx_config.h"
#include "session_worker.h"
#include "sphinx_log.h"

namespace callagent::plugins::pocketsphinx {

// Thread-safe: open_session may run on many threads at once; its only shared state is
// the pool, which has its own mutex. Lifetime: outlives its sessions (plugin API rule),
// so sessions hold plain references to its pool.
class PocketsphinxStt final : public SttProvider {
 public:
  // Parses the config and checks that the model files exist; creates nothing.
  static Status validate_config(std::string_view config_json);
  // Loads `decoders` decoders (about 0.3 s each). Fails with a message naming the key and
  // path of a missing file, or the library's reason when the models do not load.
  static Result<std::unique_ptr<PocketsphinxStt>> create(const ProviderContext& context);

  PocketsphinxStt(EndpointingSettings endpointing, std::unique_ptr<SphinxLogRoute> log_route,
                  std::unique_ptr<DecoderPool> pool);
  ~PocketsphinxStt() override;

  AudioFormat input_format() const noexcept override;
  // Never blocks on a model load: takes an idle decoder or leaves the loading to the
  // session's thread.
  Result<std::unique_ptr<SttSession>> open_session(const SessionContext& context,
                                                   SttListener& listener) noexcept override;

  DecoderPool& pool_for_testing() { return *pool_; }

 private:
  const EndpointingSettings endpointing_;
  // Declared before pool_ so it is destroyed after it: decoders log while they are freed.
  std::unique_ptr<SphinxLogRoute> log_route_;
  std::unique_ptr<DecoderPool> pool_;
};

}  // namespace callagent::plugins::pocketsphinx
