// A fake of ElevenLabs' HTTP streaming text-to-speech (../../../../shared/protocols.md §5.1),
// for tests: POST /v1/text-to-speech/{voice_id}/stream with the xi-api-key check (401 with
// the vendor's {"detail":{"status","message"}} body), output_format=ulaw_8000 required and the
// JSON body validated (422 {"detail":[{loc,msg,type}]}); the answer is a chunked stream of raw
// μ-law: a tone of ms_per_character × text length, after first_audio_delay_ms, written
// bytes_per_write at a time every write_interval_ms. It records every request, and fails
// on demand: push_fault() queues a fault for the next request.
//
// What it does not model: the stream-input WebSocket, the other output formats, quotas.
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
};

struct FakeElevenLabsSettings {
  std::string api_key = "fake-elevenlabs-key";
  int ms_per_character = 10;          // length of the tone per character of text
  int first_audio_delay_ms = 0;       // before the first audio byte of an answer
  std::size_t bytes_per_write = 100;  // deliberately not 160: the client must re-frame
  int write_interval_ms = 0;          // pause between writes; 0 writes as fast as it can
  int slow_first_byte_ms = 3000;      // the slow_first_byte fault's delay
};

class FakeElevenLabs {
 public:
  explicit FakeElevenLabs(FakeElevenLabsSettings settings = {});
  ~FakeElevenLabs();
  FakeElevenLabs(const FakeElevenLabs&) = delete;
  FakeElevenLabs& operator=(const FakeElevenLabs&) = delete;

  std::uint16_t port() const noexcept;
  std::string base_url() const;  // "http://127.0.0.1:<port>"

  // Applies `fault` to one upcoming request; several queue up in order.
  void push_fault(ElevenLabsFault fault);
  std::vector<ElevenLabsRequest> requests() const;
  // Connections accepted so far: shows keep-alive reuse.
  std::size_t connections() const;

  // The exact bytes the fake answers `text` with (without faults).
  std::vector<std::uint8_t> audio_for(const std::string& text) const;
  static std::vector<std::uint8_t> tone(std::size_t size_bytes);

 private:
  std::shared_ptr<detail::FakeElevenLabsState> state_;
};

}  // namespace callagent::mock
