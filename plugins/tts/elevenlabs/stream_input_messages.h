// The stream-input WebSocket's wire format (protocols.md §5.2): the request target, the
// client's messages byte for byte, and the parse of the server's messages.
//
// Pure functions, no I/O, so tests compare them with the spec's bytes. Tolerant where the
// sources disagree (§5.2): both `charDurationsMs` and `charsDurationsMs`, `isFinal` as
// true, false, null or absent; `alignment` preferred over `normalizedAlignment` because its
// characters are the text we sent, which is what the host cuts its transcript by.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "elevenlabs_tts_config.h"

namespace callagent::plugins {

// "{prefix}/v1/text-to-speech/<voice>/stream-input?model_id=<model>&output_format=ulaw_8000&
// sync_alignment=true[&inactivity_timeout=<s>][&auto_mode=true|false]". Holds no secret: the
// key goes in the xi-api-key header.
std::string stream_input_target(const ElevenLabsTtsConfig& config);

// InitializeConnection: {"text":" ","voice_settings":{"stability":…,"similarity_boost":…,
// "style":…,"use_speaker_boost":…[,"speed":…]},"generation_config":{"chunk_length_schedule":[…]}}
std::string initialize_connection_message(const ElevenLabsTtsConfig& config);

// SendText: {"text":"<piece> ","try_trigger_generation":true}, or with "flush":true instead
// for the utterance's last piece. A space is appended unless the piece already ends with
// white space: the vendor wants every piece to end with one.
std::string send_text_message(std::string_view text, bool flush);

// CloseConnection: {"text":""}
std::string close_connection_message();

// One chunk's character alignment; times are relative to the chunk's own audio.
struct CharAlignment {
  std::vector<std::string> chars;
  std::vector<std::int64_t> start_ms;
  std::vector<std::int64_t> duration_ms;
};

struct StreamInputMessage {
  enum class Kind {
    audio,      // AudioOutput or FinalOutput ("audio" present, possibly null)
    error,      // an object with "message" and/or "error" and no "audio"
    other,      // JSON we have no use for
    malformed,  // not JSON, or audio that is not base64
  };
  Kind kind = Kind::other;
  std::vector<std::uint8_t> audio;         // decoded μ-law; empty for null or ""
  std::optional<CharAlignment> alignment;  // absent when null or inconsistent
  bool is_final = false;                   // only a JSON true counts
  std::string error_text;                  // kind error: "<error>: <message>"
};

StreamInputMessage parse_stream_input_message(std::string_view text);

}  // namespace callagent::plugins
