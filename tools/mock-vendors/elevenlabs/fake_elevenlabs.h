// A fake of ElevenLabs' text-to-speech (../../../../shared/protocols.md §5), for tests. One
// server, one port, one base URL for both of the vendor's streaming modes:
//
// HTTP (§5.1): POST /v1/text-to-speech/{voice_id}/stream with the xi-api-key check (401 with
// the vendor's {"detail":{"status","message"}} body), output_format=ulaw_8000 required and the
// JSON body validated (422 {"detail":[{loc,msg,type}]}); the answer is a chunked stream of raw
// μ-law: a tone of ms_per_character × text length, after first_audio_delay_ms, written
// bytes_per_write at a time every write_interval_ms.
//
// WebSocket stream-input (§5.2): GET /v1/text-to-speech/{voice_id}/stream-input upgraded to a
// WebSocket (ws://, same port). The key is taken from the xi-api-key header (a wrong one: 401
// at the handshake) or, without the header, from the first message's "xi-api-key" or
// "xi_api_key" field (a wrong one: an error message and close 1008). Every text frame is
// recorded. Each non-empty text after the first message is answered with AudioOutput
// messages in the observed format ("isFinal":null, charDurationsMs, alignment and
// normalizedAlignment of the text received): the same tone as HTTP for that text (so
// audio_for(text) is what the client should get), socket_chars_per_message characters per
// message (0: one message per text), first_audio_delay_ms before a text's first message and
// write_interval_ms between messages. {"text":""} → {"audio":null,"isFinal":true,
// "normalizedAlignment":null,"alignment":null}, then close 1000.
//
// Faults: push_fault() queues one for the next HTTP request or socket handshake, whichever
// comes first. On the socket: refuse (dropped before the upgrade answer), unauthorized
// (401), rate_limited (429), server_error (500), slow_first_byte (slow_first_byte_ms before
// the first audio), disconnect_mid_stream (half the first text's audio, then the TCP
// connection drops), socket_error_close (an error message after the first text, then close
// 1008).
//
// What it does not model: chunk_length_schedule buffering (it answers every text at once),
// text normalisation, the other output formats, quotas, the inactivity timeout.
//
// Threading: construct and destroy on one thread; requests are served on the fake's own
// threads; every other method is safe from any thread.
// Lifetime: the destructor wakes delayed answers, stops the server and waits for handlers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace callagent::mock {

namespace detail {
struct FakeElevenLabsState;  // shared with the request handlers; defined in the .cpp
}

struct ElevenLabsRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // as sent, without "?"
  std::string api_key;       // the xi-api-key header
  std::string content_type;
  std::string accept;
  std::string body;          // raw, as received
};

enum class ElevenLabsFault {
  unauthorized,       // 401 invalid_api_key whatever the key
  rate_limited,       // 429 too_many_concurrent_requests
  server_error,       // 500
  slow_first_byte,    // waits slow_first_byte_ms before answering at all
  disconnect_mid_stream,  // sends half the audio, then drops the connection
  refuse,             // drops the connection without answering
  socket_error_close, // stream-input only: {"message","error"} after the first text, close 1008
};

// One stream-input socket as the fake saw it, from the upgrade request to its end.
struct ElevenLabsSocketSession {
  std::string path;            // without the query
  std::string query;           // as sent, without "?"
  std::string api_key_header;  // the xi-api-key header ("" when absent)
  bool upgraded = false;       // the handshake was accepted
  std::vector<std::string> messages;  // text frames received, verbatim, in order
  bool final_sent = false;     // the isFinal:true message went out
  // The client went away (close frame or dropped connection) before the final message.
  bool client_closed_early = false;
  int client_close_code = 0;   // the client's close frame code; 0: no close frame
  bool ended = false;          // the fake is done with this socket
};

struct FakeElevenLabsSettings {
  std::string api_key = "fake-elevenlabs-key";
  int ms_per_character = 10;          // length of the tone per character of text
  int first_audio_delay_ms = 0;       // request's arrival → the first audio byte of an answer
  std::size_t bytes_per_write = 100;  // deliberately not 160: the client must re-frame
  int write_interval_ms = 0;          // pause between writes; 0 writes as fast as it can
  int slow_first_byte_ms = 3000;      // the slow_first_byte fault's delay
  std::size_t socket_chars_per_message = 0;  // stream-input: text characters per AudioOutput; 0: all
  // 0: any free port; otherwise bind this one (a standalone runner on a fixed port).
  std::uint16_t port = 0;
  // Connections served at once (one thread each; the client keeps one per call session).
  int max_connections = 16;
  // false: keep no HTTP request (requests() stays empty): a benchmark's ten minutes make
  // ~23 000 of them.
  bool record_requests = true;
};

class FakeElevenLabs {
 public:
  explicit FakeElevenLabs(FakeElevenLabsSettings settings = {});
  ~FakeElevenLabs();
  FakeElevenLabs(const FakeElevenLabs&) = delete;
  FakeElevenLabs& operator=(const FakeElevenLabs&) = delete;

  std::uint16_t port() const noexcept;
  std::string base_url() const;  // "http://127.0.0.1:<port>"; ws:// on the same port for stream-input

  // Applies `fault` to one upcoming request; several queue up in order.
  void push_fault(ElevenLabsFault fault);
  std::vector<ElevenLabsRequest> requests() const;  // HTTP requests only
  std::vector<ElevenLabsSocketSession> socket_sessions() const;  // stream-input handshakes, in order
  // Waits until every stream-input socket seen so far has ended, at most `limit`.
  bool wait_sockets_ended(std::chrono::milliseconds limit) const;
  // Connections accepted so far: shows keep-alive reuse.
  std::size_t connections() const;

  // The exact bytes the fake answers `text` with (without faults).
  std::vector<std::uint8_t> audio_for(const std::string& text) const;
  static std::vector<std::uint8_t> tone(std::size_t size_bytes);

 private:
  std::shared_ptr<detail::FakeElevenLabsState> state_;
};

}  // namespace callagent::mock
