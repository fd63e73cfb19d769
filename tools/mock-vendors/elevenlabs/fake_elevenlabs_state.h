// Internal to callagent_mock_elevenlabs: the state the fake's HTTP and stream-input handlers
// share, and the small helpers both use. Not for tests; they use fake_elevenlabs.h.
//
// Threading: every field below `mutex` is guarded by it; settings and port are fixed before
// the server starts. Lifetime: held by the fake and by every handler (shared_ptr).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/ThreadPool.h>
#include <nlohmann/json.hpp>

#include "tools/mock-vendors/elevenlabs/fake_elevenlabs.h"

namespace callagent::mock::detail {

struct FakeElevenLabsState {
  FakeElevenLabsSettings settings;
  mutable std::mutex mutex;
  mutable std::condition_variable wake;
  // Guarded by mutex.
  std::deque<ElevenLabsFault> faults;
  std::vector<ElevenLabsRequest> requests;
  std::vector<ElevenLabsSocketSession> sockets;
  bool stopping = false;
  int active_handlers = 0;

  // The server's own pool (Poco's default one holds 16 threads, fewer than a load test's
  // keep-alive connections); declared first so it outlives the server.
  std::unique_ptr<Poco::ThreadPool> thread_pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  std::uint16_t port = 0;

  // Sleeps up to `ms`; false when the fake is stopping.
  bool pause_ms(int ms) {
    std::unique_lock lock(mutex);
    if (ms > 0) wake.wait_for(lock, std::chrono::milliseconds(ms), [&] { return stopping; });
    return !stopping;
  }
  // Sleeps until `deadline`; false when the fake is stopping.
  bool pause_until(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex);
    wake.wait_until(lock, deadline, [&] { return stopping; });
    return !stopping;
  }
  bool is_stopping() const {
    std::lock_guard lock(mutex);
    return stopping;
  }
  // The next queued fault, if any (one per request or handshake).
  std::optional<ElevenLabsFault> take_fault() {
    std::lock_guard lock(mutex);
    if (faults.empty()) return std::nullopt;
    const ElevenLabsFault fault = faults.front();
    faults.pop_front();
    return fault;
  }
};

void send_json(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               const nlohmann::json& body);
// {"detail":{"status":…,"message":…}}: the vendor's error body (§5.1).
nlohmann::json detail_error(const std::string& status, const std::string& message);
// Shuts the request's TCP connection down without an answer.
void drop_connection(Poco::Net::HTTPServerRequest& request);

// Serves GET …/stream-input (§5.2) on this request: handshake checks, upgrade, messages.
void serve_stream_input(FakeElevenLabsState& state, Poco::Net::HTTPServerRequest& request,
                        Poco::Net::HTTPServerResponse& response);

}  // namespace callagent::mock::detail
