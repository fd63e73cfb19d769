// A fake Deepgram live-streaming server (protocols.md §3) for in-process tests: a Poco
// HTTPServer on 127.0.0.1 that accepts the /v1/listen WebSocket upgrade, checks
// `Authorization: Token <key>`, records what the client sent, and answers in one of two
// behaviours, optionally with a fault.
//
//   energy: hears caller speech in the μ-law audio (RMS over 20 ms frames). At onset it
//           sends SpeechStarted; during speech, interim Results; after `endpointing_ms`
//           of quiet a final Results (speech_final) with the next line of `transcripts`;
//           after `utterance_end_ms` of quiet an UtteranceEnd. All times are on the
//           connection's audio timeline (seconds since its first audio byte), like Deepgram.
//   replay: sends `replay_payloads` verbatim once the first audio arrived.
// Both: Finalize → a final Results with from_finalize=true; CloseStream → any final
// pending, Metadata, close 1000.
//
// Faults count on the audio timeline, not wall time, so tests are deterministic. A fault
// applies to the first `fault_connections` handshakes; later ones behave normally.
//
// Threading: start/stop from one thread; the accessors are thread-safe. Each connection
// runs on a server thread. Lifetime: stop() (or the destructor) ends every connection.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace callagent::mock {

struct FakeDeepgramOptions {
  enum class Mode { energy, replay };
  enum class Fault {
    none,
    unauthorized,      // 401 with dg-error and the INVALID_AUTH body
    rate_limited,      // 429 with the TOO_MANY_REQUESTS body
    server_error,      // 500
    close_net_0000,    // accept, then close 1011 NET-0000 after fault_after_audio_ms of audio
    close_data_0000,   // accept, then close 1008 DATA-0000 (audio not decodable) likewise
    drop_connection,   // accept, then drop the TCP connection after fault_after_audio_ms
    malformed_json,    // send two malformed frames before the normal answers
    slow,              // wait slow_delay_ms before each batch of results
    stall,             // accept, then read nothing for stall_ms (a hung server: the
                       // client's kernel send queue fills up), then serve normally
  };

  std::uint16_t port = 0;      // 0: any free port
  int max_connections = 32;    // streams served at once (one thread each)
  std::string api_key = "test-deepgram-key";
  Mode mode = Mode::energy;
  std::vector<std::string> transcripts;      // energy: one line per utterance
  std::vector<std::string> replay_payloads;  // replay: text frames, verbatim
  std::int64_t endpointing_ms = 300;
  std::int64_t utterance_end_ms = 1000;
  // Mean-square threshold on linear 16-bit samples (RMS ≈ 600).
  double speech_rms = 600.0;

  // Like Deepgram: a connection with no frame from the client (audio, KeepAlive…) for
  // this long is closed with 1011 NET-0001. 0: never. Wall time, unlike the faults.
  std::int64_t idle_close_ms = 10000;

  Fault fault = Fault::none;
  int fault_connections = 1;
  std::int64_t fault_after_audio_ms = 500;
  std::int64_t slow_delay_ms = 200;
  std::int64_t stall_ms = 5000;
};

class FakeDeepgram {
 public:
  explicit FakeDeepgram(FakeDeepgramOptions options);
  ~FakeDeepgram();
  FakeDeepgram(const FakeDeepgram&) = delete;
  FakeDeepgram& operator=(const FakeDeepgram&) = delete;

  // Listens on 127.0.0.1 (port 0 the first time: any free port; later starts reuse it).
  void start();
  // Stops listening and ends every open connection. Start again to listen on the same port.
  void stop();
  std::uint16_t port() const;
  std::string base_url() const;  // "ws://127.0.0.1:<port>"

  // What the clients did, over all connections.
  int handshakes() const;                                // upgrade requests seen
  int connections() const;                               // upgrades accepted
  std::map<std::string, std::string> last_query() const; // decoded query parameters
  std::string last_raw_query() const;                    // the query string as sent
  std::map<std::string, std::string> last_headers() const;  // lower-case names
  std::vector<std::string> text_messages() const;        // control frames, in order
  std::int64_t audio_bytes() const;                      // binary bytes received
  std::int64_t audio_messages() const;                   // binary frames received
  int empty_binary_frames() const;
  int finals_sent() const;

  // Used by the connection handler (server threads).
  struct State;

 private:
  std::shared_ptr<State> state_;
  std::unique_ptr<Poco::ThreadPool> thread_pool_;  // declared first: outlives the server
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace callagent::mock
