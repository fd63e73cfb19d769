// The seam between a Twilio Media Stream (the WebSocket) and the call it carries.
//
//   connection ──MediaStreamReceiver──▶ call      (Twilio → host: audio, marks, DTMF, stop)
//   connection ◀──MediaStreamSender─── call      (host → Twilio: audio, marks, clear, close)
//
// The telephony side knows nothing about STT, LLM or TTS; the pipeline knows nothing
// about WebSockets or JSON. Tests put fakes on either side.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/status.h"
#include "host/telephony/call_record.h"
#include "host/twilio/media_stream_messages.h"

namespace callagent::telephony {

// Implemented by the connection. Thread-safe: the call sends from its strand while the
// connection reads on its own thread. After the stream has closed every method is a
// no-op, so a call may outlive its socket briefly without harm.
class MediaStreamSender {
 public:
  virtual ~MediaStreamSender() = default;
  // Raw μ-law 8 kHz bytes, any length (Twilio buffers and plays in order).
  virtual void send_media(std::span<const std::uint8_t> mulaw_audio) = 0;
  // Twilio echoes the mark back when the audio sent before it has played.
  virtual void send_mark(std::string_view name) = 0;
  // Audio followed by its mark; a sender may write the two in one go.
  virtual void send_media_with_mark(std::span<const std::uint8_t> mulaw_audio, std::string_view name) {
    send_media(mulaw_audio);
    send_mark(name);
  }
  // Drops the audio Twilio has buffered; Twilio then returns every pending mark.
  virtual void send_clear() = 0;
  // Ends the stream from the host's side (Twilio then runs the next TwiML verb; with
  // none, the call ends). `code` is a WebSocket close code (1000 normal).
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
};

// Implemented by the call. Called on the connection's reader thread, in stream order;
// each method must return quickly (post the work to the call's strand).
class MediaStreamReceiver {
 public:
  virtual ~MediaStreamReceiver() = default;
  // Caller audio: μ-law 8 kHz, on the stream's timeline (gaps already filled with
  // silence, so stream_offset_ms advances exactly with the audio).
  virtual void on_caller_audio(std::int64_t stream_offset_ms, std::vector<std::uint8_t> mulaw_audio) = 0;
  virtual void on_mark(std::string name) = 0;
  virtual void on_dtmf(std::string digit) = 0;
  // Twilio said `stop` (the caller hung up or the call was redirected).
  virtual void on_stop() = 0;
  // The socket is gone (after stop, after close(), or torn down). Always the last call.
  virtual void on_stream_closed(std::string_view reason) = 0;
};

// Creates the call when the stream's `start` arrives. Called on the connection's thread.
class CallStarter {
 public:
  virtual ~CallStarter() = default;
  virtual Result<std::shared_ptr<MediaStreamReceiver>> start_call(
      const CallRecord& record, const twilio::StartMessage& start,
      std::shared_ptr<MediaStreamSender> sender) = 0;
};

}  // namespace callagent::telephony
