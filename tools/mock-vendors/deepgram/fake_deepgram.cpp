#include "tools/mock-vendors/deepgram/fake_deepgram.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <thread>

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>
#include <nlohmann/json.hpp>

#include "tools/mock-vendors/deepgram/energy_transcriber.h"

namespace callagent::mock {

using Options = FakeDeepgramOptions;

// Everything the connection threads share with the test. Held by shared_ptr so a
// connection thread finishing late never touches freed memory.
struct FakeDeepgram::State {
  explicit State(Options given) : options(std::move(given)), stop_event_fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~State() {
    if (stop_event_fd >= 0) ::close(stop_event_fd);
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  const Options options;
  std::atomic<bool> stopping{false};
  // Readable while stop() is under way: connection threads wait on their socket and this
  // together, so they sleep until the client sends (no polling interval; a benchmark runs
  // hundreds of them) and still leave at once when the mock stops.
  const int stop_event_fd;

  mutable std::mutex mutex;
  std::condition_variable idle;
  int active_connections = 0;
  int handshakes = 0;
  int connections = 0;
  std::map<std::string, std::string> last_query;
  std::string last_raw_query;
  std::map<std::string, std::string> last_headers;
  std::vector<std::string> text_messages;
  std::int64_t audio_bytes = 0;
  std::int64_t audio_messages = 0;
  int empty_binary_frames = 0;
  int finals_sent = 0;
};

namespace {

// One poll(2) on the socket and the stop event, with no timeout but the one given (-1:
// none). Poco's Socket::poll would build and close an epoll set per call. True when the
// socket is readable.
bool readable_within(Poco::Net::WebSocket& socket, int stop_event_fd, int timeout_ms) {
  pollfd entries[2] = {{socket.impl()->sockfd(), POLLIN, 0}, {stop_event_fd, POLLIN, 0}};
  return ::poll(entries, 2, timeout_ms) > 0 && (entries[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}


// Verbatim from protocols.md §3.3 (close-stream.mdx).
constexpr const char* kMetadata =
    R"({"type":"Metadata","transaction_key":"deprecated","request_id":"8c8ebea9-dbec-45fa-a035-e4632cb05b5f",)"
    R"("sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",)"
    R"("created":"2024-08-29T22:37:55.202Z","duration":0.0,"channels":0})";
constexpr const char* kRequestId = "6a1d2c4e-0000-4000-8000-fa4edeadbeef";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

void send_error(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
                const std::string& code, const std::string& message) {
  response.setStatus(status);
  response.set("dg-request-id", kRequestId);
  response.set("dg-error", message);
  response.setContentType("application/json");
  const std::string body =
      nlohmann::json{{"err_code", code}, {"err_msg", message}, {"request_id", kRequestId}}.dump();
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  response.send() << body;
}

// One /v1/listen connection, on a server thread.
class ListenHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ListenHandler(std::shared_ptr<FakeDeepgram::State> state) : state_(std::move(state)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    const Options& options = state_->options;
    const Poco::URI uri(request.getURI());
    int connection_number = 0;
    {
      std::lock_guard lock(state_->mutex);
      connection_number = ++state_->handshakes;
      state_->last_raw_query = uri.getRawQuery();
      state_->last_query.clear();
      for (const auto& [name, value] : uri.getQueryParameters()) state_->last_query[name] = value;
      state_->last_headers.clear();
      for (const auto& [name, value] : request) state_->last_headers[lower(name)] = value;
    }
    if (uri.getPath() != "/v1/listen") {
      send_error(response, Poco::Net::HTTPResponse::HTTP_NOT_FOUND, "NOT_FOUND", "Not found.");
      return;
    }
    // The scheme name is case-insensitive (protocols.md §3.1).
    const std::string authorization = request.get("Authorization", "");
    const bool authorized = authorization.size() > 6 && lower(authorization.substr(0, 6)) == "token " &&
                            authorization.substr(6) == options.api_key;
    const bool faulty = options.fault != Options::Fault::none && connection_number <= options.fault_connections;
    if (!authorized || (faulty && options.fault == Options::Fault::unauthorized)) {
      send_error(response, Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED, "INVALID_AUTH", "Invalid credentials.");
      return;
    }
    if (faulty && options.fault == Options::Fault::rate_limited) {
      send_error(response, Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS",
                 "Too many requests. Please try again later");
      return;
    }
    if (faulty && options.fault == Options::Fault::server_error) {
      send_error(response, Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR",
                 "Internal server error.");
      return;
    }
    {
      std::lock_guard lock(state_->mutex);
      ++state_->connections;
      ++state_->active_connections;
    }
    try {
      Poco::Net::WebSocket socket(request, response);
      serve(socket, faulty ? options.fault : Options::Fault::none);
    } catch (const Poco::Exception&) {
      // The client went away or stop() aborted the connection.
    }
    std::lock_guard lock(state_->mutex);
    --state_->active_connections;
    state_->idle.notify_all();
  }

 private:
  void send(Poco::Net::WebSocket& socket, const std::string& text, Options::Fault fault) {
    if (fault == Options::Fault::slow) {
      std::this_thread::sleep_for(std::chrono::milliseconds(state_->options.slow_delay_ms));
    }
    socket.sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
    const auto message = nlohmann::json::parse(text, nullptr, false);
    if (message.is_object() && message.value("type", "") == "Results" && message.value("is_final", false)) {
      std::lock_guard lock(state_->mutex);
      ++state_->finals_sent;
    }
  }

  void serve(Poco::Net::WebSocket& socket, Options::Fault fault) {
    const Options& options = state_->options;
    EnergyTranscriber transcriber(options.transcripts, options.endpointing_ms, options.utterance_end_ms,
                                  options.speech_rms);
    std::int64_t audio_bytes = 0;
    bool heard_audio = false;
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    if (fault == Options::Fault::stall) {
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.stall_ms);
      while (!state_->stopping.load() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    auto last_client_frame = std::chrono::steady_clock::now();
    while (!state_->stopping.load()) {
      int timeout_ms = -1;
      if (options.idle_close_ms > 0) {
        const auto idle_for = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - last_client_frame);
        if (idle_for.count() >= options.idle_close_ms) {
          socket.shutdown(Poco::Net::WebSocket::WS_UNEXPECTED_CONDITION, "NET-0001");
          return;
        }
        timeout_ms = static_cast<int>(options.idle_close_ms - idle_for.count());
      }
      if (!readable_within(socket, state_->stop_event_fd, timeout_ms)) continue;
      last_client_frame = std::chrono::steady_clock::now();
      Poco::Buffer<char> buffer(0);
      int flags = 0;
      const int size = socket.receiveFrame(buffer, flags);
      const int opcode = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
      if (size == 0 && flags == 0) return;  // the client dropped the connection
      if (opcode == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
        socket.shutdown();
        return;
      }
      if (opcode == Poco::Net::WebSocket::FRAME_OP_BINARY) {
        {
          std::lock_guard lock(state_->mutex);
          state_->audio_bytes += size;
          ++state_->audio_messages;
          if (size == 0) ++state_->empty_binary_frames;
        }
        audio_bytes += size;
        const std::int64_t audio_ms = audio_bytes / 8;  // μ-law 8 kHz: 8 bytes per ms
        if (fault == Options::Fault::close_net_0000 && audio_ms >= options.fault_after_audio_ms) {
          socket.shutdown(Poco::Net::WebSocket::WS_UNEXPECTED_CONDITION, "NET-0000");
          return;
        }
        if (fault == Options::Fault::close_data_0000 && audio_ms >= options.fault_after_audio_ms) {
          socket.shutdown(Poco::Net::WebSocket::WS_POLICY_VIOLATION, "DATA-0000");
          return;
        }
        if (fault == Options::Fault::drop_connection && audio_ms >= options.fault_after_audio_ms) {
          socket.close();  // no close frame: a dropped TCP connection
          return;
        }
        if (!heard_audio) {
          heard_audio = true;
          if (fault == Options::Fault::malformed_json) {
            send(socket, R"({"type": "Results", "channel": )", fault);
            send(socket, "not json at all", fault);
          }
          if (options.mode == Options::Mode::replay) {
            for (const auto& payload : options.replay_payloads) send(socket, payload, fault);
          }
        }
        if (options.mode == Options::Mode::energy) {
          for (const auto& message : transcriber.feed(reinterpret_cast<const std::uint8_t*>(buffer.begin()),
                                                      static_cast<std::size_t>(size))) {
            send(socket, message, fault);
          }
        }
        continue;
      }
      if (opcode != Poco::Net::WebSocket::FRAME_OP_TEXT) continue;
      const std::string text(buffer.begin(), buffer.size());
      {
        std::lock_guard lock(state_->mutex);
        state_->text_messages.push_back(text);
      }
      const auto control = nlohmann::json::parse(text, nullptr, false);
      const std::string type = control.is_object() ? control.value("type", "") : "";
      if (type == "Finalize") {
        for (const auto& message : transcriber.finalize()) send(socket, message, fault);
      } else if (type == "CloseStream") {
        send(socket, kMetadata, fault);
        socket.shutdown(Poco::Net::WebSocket::WS_NORMAL_CLOSE, "");
        return;
      }
    }
  }

  std::shared_ptr<FakeDeepgram::State> state_;
};

class HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(std::shared_ptr<FakeDeepgram::State> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new ListenHandler(state_);
  }

 private:
  std::shared_ptr<FakeDeepgram::State> state_;
};

}  // namespace

FakeDeepgram::FakeDeepgram(FakeDeepgramOptions options) : state_(std::make_shared<State>(std::move(options))) {}

FakeDeepgram::~FakeDeepgram() { stop(); }

void FakeDeepgram::start() {
  if (server_) return;
  state_->stopping.store(false);
  std::uint64_t stop_events = 0;
  [[maybe_unused]] const auto drained = ::read(state_->stop_event_fd, &stop_events, sizeof stop_events);
  Poco::Net::ServerSocket socket;
  if (port_ == 0) port_ = state_->options.port;
  socket.bind(Poco::Net::SocketAddress("127.0.0.1", port_), true);
  const int max_connections = state_->options.max_connections;
  socket.listen(std::max(64, max_connections));
  port_ = socket.address().port();
  auto params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(max_connections);
  params->setMaxQueued(max_connections);
  params->setKeepAlive(false);
  // Its own pool: Poco's default pool holds 16 threads, fewer than a load test's streams.
  thread_pool_ = std::make_unique<Poco::ThreadPool>(2, max_connections);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(state_), *thread_pool_, socket, params);
  server_->start();
}

void FakeDeepgram::stop() {
  if (!server_) return;
  state_->stopping.store(true);
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto woken = ::write(state_->stop_event_fd, &one, sizeof one);
  server_->stopAll(true);
  // The stop event wakes every connection; wait for them so none outlives stop().
  std::unique_lock lock(state_->mutex);
  state_->idle.wait_for(lock, std::chrono::seconds(5), [&] { return state_->active_connections == 0; });
  lock.unlock();
  server_.reset();
  thread_pool_.reset();
}

std::uint16_t FakeDeepgram::port() const { return port_; }
std::string FakeDeepgram::base_url() const { return "ws://127.0.0.1:" + std::to_string(port_); }

#define CALLAGENT_FAKE_DEEPGRAM_GETTER(type, name) \
  type FakeDeepgram::name() const {                \
    std::lock_guard lock(state_->mutex);           \
    return state_->name;                           \
  }
CALLAGENT_FAKE_DEEPGRAM_GETTER(int, handshakes)
CALLAGENT_FAKE_DEEPGRAM_GETTER(int, connections)
CALLAGENT_FAKE_DEEPGRAM_GETTER(std::string, last_raw_query)
CALLAGENT_FAKE_DEEPGRAM_GETTER(std::int64_t, audio_bytes)
CALLAGENT_FAKE_DEEPGRAM_GETTER(std::int64_t, audio_messages)
CALLAGENT_FAKE_DEEPGRAM_GETTER(int, empty_binary_frames)
CALLAGENT_FAKE_DEEPGRAM_GETTER(int, finals_sent)
#undef CALLAGENT_FAKE_DEEPGRAM_GETTER

std::map<std::string, std::string> FakeDeepgram::last_query() const {
  std::lock_guard lock(state_->mutex);
  return state_->last_query;
}
std::map<std::string, std::string> FakeDeepgram::last_headers() const {
  std::lock_guard lock(state_->mutex);
  return state_->last_headers;
}
std::vector<std::string> FakeDeepgram::text_messages() const {
  std::lock_guard lock(state_->mutex);
  return state_->text_messages;
}

}  // namespace callagent::mock
