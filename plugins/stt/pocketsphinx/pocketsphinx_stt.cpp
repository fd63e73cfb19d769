#include "pocketsphinx_stt.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "model_files.h"
#include "pocketsphinx_session.h"

namespace callagent::plugins::pocketsphinx {
namespace {

// The detector's own default hangover (-vad_postspeech 50): tuned by its authors, so it is
// kept unless the configured end-of-utterance silence is shorter.
constexpr std::int64_t kDefaultVadHangoverMs = 500;

Result<PocketsphinxConfig> parse_and_check(std::string_view config_json) {
  auto config = parse_pocketsphinx_config(config_json);
  if (!config) return config.status();
  if (Status files = check_model_files(config.value()); !files) return files;
  return config;
}

}  // namespace

Status PocketsphinxStt::validate_config(std::string_view config_json) {
  return parse_and_check(config_json).status();
}

Result<std::unique_ptr<PocketsphinxStt>> PocketsphinxStt::create(const ProviderContext& context) {
  auto parsed = parse_and_check(context.config_json);
  if (!parsed) return parsed.status();
  const PocketsphinxConfig& config = parsed.value();

  // Before the first decoder: from here on the library logs only to log_file.
  auto log_route = SphinxLogRoute::open(config.log_file);
  if (!log_route) return log_route.status();

  const std::int64_t vad_hangover_ms =
      std::min(config.end_of_utterance_silence_ms, kDefaultVadHangoverMs);
  DecoderSettings decoder_settings{.model_dir = config.model_dir,
                                   .dictionary = config.dictionary,
                                   .language_model = config.language_model,
                                   .grammar = config.grammar,
                                   .vad_hangover_ms = vad_hangover_ms};
  auto pool = std::make_unique<DecoderPool>(std::move(decoder_settings), config.decoders);
  const auto load_started = std::chrono::steady_clock::now();
  if (Status filled = pool->fill(config.decoders); !filled) return filled;
  const auto load_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - load_started)
                           .count();

  context.logger.info(std::to_string(config.decoders) + " decoders loaded in " +
                      std::to_string(load_ms) + " ms (about " +
                      (config.grammar.empty() ? "91" : "28") + " MB each); " +
                      (config.grammar.empty() ? "language model " + config.language_model
                                              : "grammar " + config.grammar) +
                      ", end of utterance after " +
                      std::to_string(config.end_of_utterance_silence_ms) + " ms of quiet");
  const EndpointingSettings endpointing{.end_of_utterance_silence_ms = config.end_of_utterance_silence_ms,
                                        .interim_interval_ms = config.interim_interval_ms,
                                        .vad_hangover_ms = vad_hangover_ms};
  return std::make_unique<PocketsphinxStt>(endpointing, std::move(log_route).value(), std::move(pool));
}

PocketsphinxStt::PocketsphinxStt(EndpointingSettings endpointing,
                                 std::unique_ptr<SphinxLogRoute> log_route,
                                 std::unique_ptr<DecoderPool> pool)
    : endpointing_(endpointing), log_route_(std::move(log_route)), pool_(std::move(pool)) {}

PocketsphinxStt::~PocketsphinxStt() = default;

AudioFormat PocketsphinxStt::input_format() const noexcept {
  return AudioFormat{AudioEncoding::pcm16_le, SphinxDecoder::kSampleRateHz};
}

Result<std::unique_ptr<SttSession>> PocketsphinxStt::open_session(const SessionContext& context,
                                                                  SttListener& listener) noexcept {
  try {
    auto decoder = pool_->try_take();
    const bool pooled = decoder != nullptr;
    auto session = std::make_unique<PocketsphinxSession>(endpointing_, *pool_, std::move(decoder),
                                                         listener, context.logger);
    if (Status started = session->start(); !started) return started;
    context.logger.info(pooled ? "session opened with a pooled decoder"
                               : "session opened; every pooled decoder is busy, so this call loads "
                                 "its own on its thread (about 0.3 s)");
    return std::unique_ptr<SttSession>(std::move(session));
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("pocketsphinx: ") + error.what());
  } catch (...) {
    return Status(ErrorCode::internal, "pocketsphinx: unknown exception in open_session");
  }
}

}  // namespace callagent::plugins::pocketsphinx
