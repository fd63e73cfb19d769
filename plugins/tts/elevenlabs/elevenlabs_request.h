// The bytes of one HTTP streaming request, exactly as the vendor expects them (protocols.md
// §5.1): POST {prefix}/v1/text-to-speech/{voice_id}/stream?output_format=ulaw_8000&
// optimize_streaming_latency=N with xi-api-key, a JSON body of text, model_id and
// voice_settings. Pure functions: no I/O, so tests can compare them byte for byte.
#pragma once

#include <string>
#include <string_view>

#include "elevenlabs_tts_config.h"

namespace callagent::plugins {

// "/v1/text-to-speech/<voice>/stream?output_format=ulaw_8000&optimize_streaming_latency=3"
std::string elevenlabs_stream_target(const ElevenLabsTtsConfig& config);

// {"model_id":…,"text":…,"voice_settings":{"similarity_boost":…,"stability":…,"style":…,
// "use_speaker_boost":…[,"speed":…]}}
std::string elevenlabs_stream_body(const ElevenLabsTtsConfig& config, std::string_view text);

// The full HTTP/1.1 request: request line, headers (keep-alive) and body. Holds the API key:
// callers must never log it.
std::string elevenlabs_stream_request(const ElevenLabsTtsConfig& config, std::string_view text);

}  // namespace callagent::plugins
