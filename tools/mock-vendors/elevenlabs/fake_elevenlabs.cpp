#include "tools/mock-vendors/elevenlabs/fake_elevenlabs.h"

#include "tools/mock-vendors/elevenlabs/fake_elevenlabs_state.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <sstream>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <nlohmann/json.hpp>

namespace callagent::mock {

namespace detail {

void send_json(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               const nlohmann::json& body) {
  const std::string text = body.dump();
  response.setStatus(status);
  response.setContentType("application/json");
  response.setContentLength(static_cast<std::streamsize>(text.size()));
  response.send() << text;
}

nlohmann::json detail_error(const std::string& status, const std::string& message) {
  return {{"detail", {{"status", status}, {"message", message}}}};
}

void drop_connection(Poco::Net::HTTPServerRequest& request) {
  if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request)) {
    try {
      impl->socket().shutdown();
    } catch (...) {  // already gone: what we wanted
    }
  }
}

}  // namespace detail

namespace {

using detail::detail_error;
using detail::drop_connection;
using detail::send_json;

// G.711 μ-law encoding of one 16-bit linear sample (bias 0x84, clip 32635).
std::uint8_t mulaw_from_linear(int sample) {
  constexpr int kBias = 0x84;
  constexpr int kClip = 32635;
  const int sign = sample < 0 ? 0x80 : 0;
  int magnitude = sample < 0 ? -sample : sample;
  if (magnitude > kClip) magnitude = kClip;
  magnitude += kBias;
  int exponent = 7;
  for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; mask >>= 1) --exponent;
  const int mantissa = (magnitude >> (exponent + 3)) & 0x0F;
  return static_cast<std::uint8_t>(~(sign | (exponent << 4) | mantissa));
}

nlohmann::json validation_error(const nlohmann::json& location, const std::string& message, const std::string& type) {
  return {{"detail", nlohmann::json::array({{{"loc", location}, {"msg", message}, {"type", type}}})}};
}

class StreamHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit StreamHandler(std::shared_ptr<detail::FakeElevenLabsState> state) : state_(std::move(state)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    {
      std::lock_guard lock(state_->mutex);
      ++state_->active_handlers;
    }
    try {
      serve(request, response);
    } catch (...) {  // a client that went away mid-answer: nothing to do
    }
    {
      std::lock_guard lock(state_->mutex);
      --state_->active_handlers;
    }
    state_->wake.notify_all();
  }

 private:
  void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const auto arrived_at = std::chrono::steady_clock::now();
    const std::string& target = request.getURI();
    const std::string target_path = target.substr(0, target.find('?'));
    const std::string socket_suffix = "/stream-input";
    if (target_path.size() > socket_suffix.size() &&
        target_path.compare(target_path.size() - socket_suffix.size(), socket_suffix.size(), socket_suffix) == 0) {
      detail::serve_stream_input(*state_, request, response);
      return;
    }
    ElevenLabsRequest recorded;
    recorded.method = request.getMethod();
    const std::string& uri = request.getURI();
    const std::size_t question = uri.find('?');
    recorded.path = uri.substr(0, question);
    recorded.query = question == std::string::npos ? std::string() : uri.substr(question + 1);
    recorded.api_key = request.get("xi-api-key", "");
    recorded.content_type = request.get("Content-Type", "");
    recorded.accept = request.get("Accept", "");
    std::ostringstream body;
    Poco::StreamCopier::copyStream(request.stream(), body);
    recorded.body = body.str();

    std::optional<ElevenLabsFault> fault;
    {
      std::lock_guard lock(state_->mutex);
      if (state_->settings.record_requests) state_->requests.push_back(recorded);
      if (!state_->faults.empty()) {
        fault = state_->faults.front();
        state_->faults.pop_front();
      }
    }
    const FakeElevenLabsSettings& settings = state_->settings;

    const std::string prefix = "/v1/text-to-speech/";
    const std::string suffix = "/stream";
    const bool path_ok = recorded.method == "POST" && recorded.path.rfind(prefix, 0) == 0 &&
                         recorded.path.size() > prefix.size() + suffix.size() &&
                         recorded.path.compare(recorded.path.size() - suffix.size(), suffix.size(), suffix) == 0;
    if (!path_ok) {
      send_json(response, Poco::Net::HTTPResponse::HTTP_NOT_FOUND, {{"detail", "Not Found"}});
      return;
    }
    if (fault == ElevenLabsFault::refuse) {
      drop_connection(request);
      return;
    }
    if (fault == ElevenLabsFault::slow_first_byte && !state_->pause_ms(settings.slow_first_byte_ms)) return;
    if (recorded.api_key != settings.api_key || fault == ElevenLabsFault::unauthorized) {
      send_json(response, Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED, detail_error("invalid_api_key", "Invalid API key"));
      return;
    }
    if (fault == ElevenLabsFault::rate_limited) {
      send_json(response, Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS,
                detail_error("too_many_concurrent_requests",
                             "Too many concurrent requests. Your current subscription allows 2 concurrent requests."));
      return;
    }
    if (fault == ElevenLabsFault::server_error) {
      send_json(response, Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
                detail_error("internal_server_error", "An internal error occurred."));
      return;
    }
    if (("&" + recorded.query + "&").find("&output_format=ulaw_8000&") == std::string::npos) {
      send_json(response, Poco::Net::HTTPResponse::HTTP_UNPROCESSABLE_ENTITY,
                validation_error({"query", "output_format"}, "expected output_format=ulaw_8000 in this fake",
                                 "value_error"));
      return;
    }
    const nlohmann::json json = nlohmann::json::parse(recorded.body, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
      send_json(response, Poco::Net::HTTPResponse::HTTP_UNPROCESSABLE_ENTITY,
                validation_error({"body"}, "Input should be a valid dictionary", "dict_type"));
      return;
    }
    if (!json.contains("text") || !json["text"].is_string()) {
      send_json(response, Poco::Net::HTTPResponse::HTTP_UNPROCESSABLE_ENTITY,
                validation_error({"body", "text"}, "Field required", "missing"));
      return;
    }

    const std::string text = json["text"].get<std::string>();
    const std::vector<std::uint8_t> audio = FakeElevenLabs::tone(
        static_cast<std::size_t>(settings.ms_per_character) * text.size() * 8);
    const std::size_t stop_at =
        fault == ElevenLabsFault::disconnect_mid_stream ? audio.size() / 2 : audio.size();
    // The delay counts from the request's arrival: the fake's own work is inside it.
    const auto slow_ms = fault == ElevenLabsFault::slow_first_byte ? settings.slow_first_byte_ms : 0;
    if (!state_->pause_until(arrived_at + std::chrono::milliseconds(settings.first_audio_delay_ms + slow_ms))) return;
    response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType("audio/basic");
    response.setChunkedTransferEncoding(true);
    std::ostream& out = response.send();
    const std::size_t step = settings.bytes_per_write == 0 ? 1 : settings.bytes_per_write;
    for (std::size_t at = 0; at < stop_at; at += step) {
      const std::size_t count = std::min(step, stop_at - at);
      out.write(reinterpret_cast<const char*>(audio.data() + at), static_cast<std::streamsize>(count));
      out.flush();
      if (!out) return;  // the client went away (a cancel)
      if (at + count < stop_at && !state_->pause_ms(settings.write_interval_ms)) return;
    }
    if (fault == ElevenLabsFault::disconnect_mid_stream) drop_connection(request);
  }

  std::shared_ptr<detail::FakeElevenLabsState> state_;
};

class HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(std::shared_ptr<detail::FakeElevenLabsState> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new StreamHandler(state_);
  }

 private:
  std::shared_ptr<detail::FakeElevenLabsState> state_;
};

}  // namespace

FakeElevenLabs::FakeElevenLabs(FakeElevenLabsSettings settings) : state_(std::make_shared<detail::FakeElevenLabsState>()) {
  state_->settings = std::move(settings);
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", state_->settings.port));
  state_->port = socket.address().port();
  const int max_connections = std::max(1, state_->settings.max_connections);
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(max_connections);
  params->setMaxQueued(std::max(64, max_connections));
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(0);  // unlimited: the client reuses one connection
  state_->thread_pool = std::make_unique<Poco::ThreadPool>(2, max_connections);
  state_->server = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(state_), *state_->thread_pool,
                                                           socket, params);
  state_->server->start();
}

FakeElevenLabs::~FakeElevenLabs() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  state_->server->stopAll(true);
  // Handlers hold the state by shared_ptr; waiting still keeps them from outliving the test.
  std::unique_lock lock(state_->mutex);
  state_->wake.wait_for(lock, std::chrono::seconds(5), [&] { return state_->active_handlers == 0; });
  lock.unlock();
  // Here, on the owner's thread: a pool thread must never be the one that joins the pool.
  state_->server.reset();
  state_->thread_pool.reset();
}

std::uint16_t FakeElevenLabs::port() const noexcept { return state_->port; }

std::string FakeElevenLabs::base_url() const { return "http://127.0.0.1:" + std::to_string(state_->port); }

void FakeElevenLabs::push_fault(ElevenLabsFault fault) {
  std::lock_guard lock(state_->mutex);
  state_->faults.push_back(fault);
}

std::vector<ElevenLabsRequest> FakeElevenLabs::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

std::vector<ElevenLabsSocketSession> FakeElevenLabs::socket_sessions() const {
  std::lock_guard lock(state_->mutex);
  return state_->sockets;
}

bool FakeElevenLabs::wait_sockets_ended(std::chrono::milliseconds limit) const {
  std::unique_lock lock(state_->mutex);
  return state_->wake.wait_for(lock, limit, [&] {
    return std::all_of(state_->sockets.begin(), state_->sockets.end(),
                       [](const ElevenLabsSocketSession& socket) { return socket.ended; });
  });
}

std::size_t FakeElevenLabs::connections() const {
  return static_cast<std::size_t>(state_->server->totalConnections());
}

std::vector<std::uint8_t> FakeElevenLabs::audio_for(const std::string& text) const {
  return tone(static_cast<std::size_t>(state_->settings.ms_per_character) * text.size() * 8);
}

std::vector<std::uint8_t> FakeElevenLabs::tone(std::size_t size_bytes) {
  // 440 Hz at 8 kHz, a third of full scale: audible, and distinct from silence in tests.
  constexpr double kPi = 3.14159265358979323846;
  std::vector<std::uint8_t> bytes(size_bytes);
  for (std::size_t i = 0; i < size_bytes; ++i) {
    const double sample = 10000.0 * std::sin(2.0 * kPi * 440.0 * static_cast<double>(i) / 8000.0);
    bytes[i] = mulaw_from_linear(static_cast<int>(std::lround(sample)));
  }
  return bytes;
}

}  // namespace callagent::mock
