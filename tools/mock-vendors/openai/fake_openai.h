// A fake OpenAI chat-completions server (protocols.md §4) for tests and manual runs:
// POST …/chat/completions streams SSE chunks in the recorded format, checks the Bearer
// key, records every request, and injects faults.
//
// Modes: "echo" answers "You said: <last user content>." word by word; "replay" sends
// a recorded byte stream verbatim (optionally cut into random small writes, to exercise
// the client's chunk-boundary handling); "tool" calls a named tool, its arguments in
// fragments as in the fixture.
//
// Threading: start()/stop() from one owning thread. Requests are served on the fake's
// own threads; every other method is safe from any thread at any time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::mock {

namespace detail {
struct FakeOpenAiState;   // shared with the request handlers; defined in the .cpp
struct FakeOpenAiServer;  // the Poco server and its threads
}  // namespace detail

struct OpenAiRecordedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct FakeOpenAiSettings {
  std::string api_key = "sk-fake-openai-0123456789abcdef";  // empty: no key check
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port, see port()
  std::string mode = "echo";  // "echo" | "replay" | "tool"
  std::string replay_stream;  // "replay": the bytes to send; empty: the recorded text stream (a)
  bool replay_random_splits = false;
  std::string tool_name = "get_weather";
  std::string tool_arguments = R"({"city":"New York City"})";
  // Connections served at once (one thread each; keep-alive holds one per client session).
  // Read at start().
  int max_connections = 32;
  // From the request's arrival (the handler's start) to the first chunk, so the fake's own
  // parsing and writing of headers are inside the delay, as a real server's would be.
  int first_token_delay_ms = 0;
  double tokens_per_second = 0;  // 0: no pacing
  // A pause after the last chunk ("data: [DONE]") before the chunked body ends, as a
  // server behind a slow proxy may do; the client must not give up the connection for it.
  int body_end_delay_ms = 0;
  // false: count requests but keep none of them (requests() stays empty). A benchmark's
  // ten minutes make ~23 000 requests of a few KB each, which would otherwise pile up.
  bool record_requests = true;
};

enum class FakeOpenAiFault {
  unauthorized,           // 401 with the real body
  rate_limited,           // 429, with Retry-After / retry-after-ms when set
  server_error,           // 500
  slow_first_token,       // waits slow_first_token_ms before the first chunk
  disconnect_mid_stream,  // drops the connection after chunks_before chunks
  malformed_chunk,        // sends broken JSON after chunks_before chunks, then carries on
};

struct FakeOpenAiFaultSpec {
  FakeOpenAiFault kind = FakeOpenAiFault::server_error;
  std::string retry_after;     // header value, seconds; empty: no header
  std::string retry_after_ms;  // header value; empty: no header
  int slow_first_token_ms = 0;
  int chunks_before = 2;
};

class FakeOpenAi {
 public:
  explicit FakeOpenAi(FakeOpenAiSettings settings = {});
  ~FakeOpenAi();  // stops
  FakeOpenAi(const FakeOpenAi&) = delete;
  FakeOpenAi& operator=(const FakeOpenAi&) = delete;

  Status start();
  // Stops accepting, wakes paced streams, aborts open connections, joins. Idempotent.
  void stop();

  std::uint16_t port() const noexcept { return bound_port_; }
  // "http://127.0.0.1:<port>/v1", the value for the plugin's base_url.
  std::string base_url() const;

  // Settings changes apply to requests that arrive afterwards.
  void set_settings(FakeOpenAiSettings settings);
  FakeOpenAiSettings settings() const;
  // The next `count` requests get `fault` (in order, after any queued before).
  void inject(const FakeOpenAiFaultSpec& fault, std::size_t count = 1);

  std::vector<OpenAiRecordedRequest> requests() const;
  std::size_t request_count() const;
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;
  // Streams the client closed before the fake finished writing them.
  std::size_t aborted_streams() const;
  bool wait_for_aborted_streams(std::size_t count, std::chrono::milliseconds timeout) const;
  // TCP connections accepted so far (keep-alive reuse shows as fewer than requests).
  std::size_t connections_accepted() const;

 private:
  FakeOpenAiSettings initial_settings_;
  std::shared_ptr<detail::FakeOpenAiState> state_;
  std::unique_ptr<detail::FakeOpenAiServer> server_;
  std::uint16_t bound_port_ = 0;
};

}  // namespace callagent::mock
