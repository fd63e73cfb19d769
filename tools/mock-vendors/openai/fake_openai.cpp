#include "tools/mock-vendors/openai/fake_openai.h"

#include <algorithm>
#include <csignal>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <sstream>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>

#include <nlohmann/json.hpp>

#include "tools/mock-vendors/openai/recorded_streams.h"

namespace callagent::mock {
namespace detail {

using Json = nlohmann::json;

struct FakeOpenAiState {
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  FakeOpenAiSettings settings;                 // guarded
  std::deque<FakeOpenAiFaultSpec> faults;      // guarded
  std::vector<OpenAiRecordedRequest> requests;  // guarded; empty unless settings.record_requests
  std::size_t request_count = 0;               // guarded: every request, recorded or not
  std::size_t aborted_streams = 0;             // guarded
  std::uint64_t completions = 0;               // guarded: numbers chatcmpl ids and tool-call ids
  bool stopping = false;                       // guarded

  // Sleeps `delay_ms` unless the fake stops first; false when it stopped.
  bool sleep_ms(double delay_ms) const {
    return sleep_until(std::chrono::steady_clock::now() +
                       std::chrono::microseconds(static_cast<long long>(delay_ms * 1000.0)));
  }
  // Sleeps until `deadline` unless the fake stops first; false when it stopped.
  bool sleep_until(std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock lock(mutex);
    if (std::chrono::steady_clock::now() >= deadline) return !stopping;
    return !changed.wait_until(lock, deadline, [this] { return stopping; });
  }
};

struct FakeOpenAiServer {
  explicit FakeOpenAiServer(int max_connections) : thread_pool(2, max_connections) {}
  Poco::ThreadPool thread_pool;
  std::unique_ptr<Poco::Net::HTTPServer> http;
};

namespace {

// A Poco stream error means the client went away: the write failed.
class ClientGone : public std::exception {};

void send_json(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               const std::string& body) {
  response.setStatus(status);
  response.setContentType("application/json");
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  response.send() << body;
}

std::string error_body(const std::string& message, const std::string& type, const char* code) {
  Json error = {{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}};
  if (code != nullptr) error["code"] = code;
  return Json{{"error", error}}.dump();
}

// "sk-proj-…SJh4" style, as OpenAI shows a wrong key (protocols.md §4.4).
std::string masked_key(const std::string& key) {
  if (key.size() <= 8) return "****";
  return key.substr(0, 3) + "****" + key.substr(key.size() - 4);
}

std::string last_user_content(const Json& body) {
  if (!body.contains("messages") || !body.at("messages").is_array()) return {};
  const Json& messages = body.at("messages");
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (it->is_object() && it->value("role", "") == "user" && it->contains("content") &&
        it->at("content").is_string()) {
      return it->at("content").get<std::string>();
    }
  }
  return {};
}

// Builds one chunk in the recorded format (id/object/created/model/system_fingerprint/choices).
class ChunkWriter {
 public:
  ChunkWriter(std::uint64_t number, std::string model) : id_("chatcmpl-fake" + std::to_string(number)), model_(std::move(model)) {}

  std::string choice(const Json& delta, const Json& finish_reason) const {
    Json chunk = head();
    chunk["choices"] = Json::array({Json{{"index", 0}, {"delta", delta}, {"logprobs", nullptr},
                                         {"finish_reason", finish_reason}}});
    return "data: " + chunk.dump() + "\n\n";
  }
  std::string usage(int prompt_tokens, int completion_tokens) const {
    Json chunk = head();
    chunk["choices"] = Json::array();
    chunk["usage"] = {{"prompt_tokens", prompt_tokens},
                      {"completion_tokens", completion_tokens},
                      {"total_tokens", prompt_tokens + completion_tokens},
                      {"completion_tokens_details", {{"reasoning_tokens", 0}}}};
    return "data: " + chunk.dump() + "\n\n";
  }

 private:
  Json head() const {
    Json chunk;
    chunk["id"] = id_;
    chunk["object"] = "chat.completion.chunk";
    chunk["created"] = 1727346171;
    chunk["model"] = model_;
    chunk["system_fingerprint"] = "fp_fake0000";
    return chunk;
  }
  std::string id_;
  std::string model_;
};

class ChatCompletionsHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ChatCompletionsHandler(std::shared_ptr<FakeOpenAiState> state) : state_(std::move(state)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    const auto arrived_at = std::chrono::steady_clock::now();
    OpenAiRecordedRequest recorded;
    recorded.method = request.getMethod();
    recorded.path = request.getURI().substr(0, request.getURI().find('?'));
    for (const auto& [name, value] : request) recorded.headers[Poco::toLower(name)] = value;
    Poco::StreamCopier::copyToString(request.stream(), recorded.body);

    FakeOpenAiSettings settings;
    std::optional<FakeOpenAiFaultSpec> fault;
    std::uint64_t number = 0;
    {
      const std::lock_guard lock(state_->mutex);
      settings = state_->settings;
      ++state_->request_count;
      if (settings.record_requests) state_->requests.push_back(recorded);
      number = ++state_->completions;
      const bool is_chat = recorded.method == "POST" && recorded.path.size() >= 17 &&
                           recorded.path.compare(recorded.path.size() - 17, 17, "/chat/completions") == 0;
      if (is_chat && !state_->faults.empty()) {
        fault = state_->faults.front();
        state_->faults.pop_front();
      }
    }
    state_->changed.notify_all();

    if (recorded.method != "POST" || recorded.path.size() < 17 ||
        recorded.path.compare(recorded.path.size() - 17, 17, "/chat/completions") != 0) {
      send_json(response, Poco::Net::HTTPResponse::HTTP_NOT_FOUND,
                error_body("Unknown request URL: " + recorded.method + " " + recorded.path, "invalid_request_error",
                           "unknown_url"));
      return;
    }
    if (!settings.api_key.empty()) {
      const auto found = recorded.headers.find("authorization");
      const std::string given = found == recorded.headers.end() ? "" : found->second;
      if (given != "Bearer " + settings.api_key) {
        send_unauthorized(response, given.size() > 7 ? given.substr(7) : "");
        return;
      }
    }
    if (fault && answer_http_fault(*fault, response)) return;

    const Json body = Json::parse(recorded.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      send_json(response, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST,
                error_body("We could not parse the JSON body of your request.", "invalid_request_error", nullptr));
      return;
    }
    stream(request, response, settings, fault, body, number, arrived_at);
  }

 private:
  void send_unauthorized(Poco::Net::HTTPServerResponse& response, const std::string& given_key) {
    send_json(response, Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED,
              error_body("Incorrect API key provided: " + masked_key(given_key) +
                             ". You can find your API key at https://platform.openai.com/account/api-keys.",
                         "invalid_request_error", "invalid_api_key"));
  }

  bool answer_http_fault(const FakeOpenAiFaultSpec& fault, Poco::Net::HTTPServerResponse& response) {
    switch (fault.kind) {
      case FakeOpenAiFault::unauthorized:
        send_unauthorized(response, "sk-fake-wrong-key-0000");
        return true;
      case FakeOpenAiFault::rate_limited:
        if (!fault.retry_after.empty()) response.set("Retry-After", fault.retry_after);
        if (!fault.retry_after_ms.empty()) response.set("retry-after-ms", fault.retry_after_ms);
        send_json(response, Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS,
                  error_body("Rate limit reached for gpt-4o-mini in organization org-fake on tokens per min (TPM): "
                             "Limit 30000, Used 29990, Requested 120. Please try again in 24ms.",
                             "tokens", "rate_limit_exceeded"));
        return true;
      case FakeOpenAiFault::server_error:
        send_json(response, Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
                  error_body("The server had an error while processing your request. Sorry about that!",
                             "server_error", nullptr));
        return true;
      default:
        return false;
    }
  }

  // The chunks to send for a good answer, before faults are applied.
  std::vector<std::string> plan_chunks(const FakeOpenAiSettings& settings, const nlohmann::json& body,
                                       std::uint64_t number) const {
    const ChunkWriter writer(number, body.value("model", std::string("gpt-4o-mini")));
    const bool include_usage = body.contains("stream_options") && body.at("stream_options").is_object() &&
                               body.at("stream_options").value("include_usage", false);
    std::vector<std::string> chunks;
    int completion_tokens = 0;
    if (settings.mode == "tool") {
      const std::string call_id = "call_fake" + std::to_string(number);
      chunks.push_back(writer.choice(
          {{"role", "assistant"},
           {"content", nullptr},
           {"tool_calls", Json::array({{{"index", 0}, {"id", call_id}, {"type", "function"},
                                        {"function", {{"name", settings.tool_name}, {"arguments", ""}}}}})},
           {"refusal", nullptr}},
          nullptr));
      for (std::size_t at = 0; at < settings.tool_arguments.size(); at += 5) {
        chunks.push_back(writer.choice(
            {{"tool_calls",
              Json::array({{{"index", 0}, {"function", {{"arguments", settings.tool_arguments.substr(at, 5)}}}}})}},
            nullptr));
        ++completion_tokens;
      }
      chunks.push_back(writer.choice(Json::object(), "tool_calls"));
    } else {
      chunks.push_back(writer.choice({{"role", "assistant"}, {"content", ""}, {"refusal", nullptr}}, nullptr));
      std::istringstream words("You said: " + last_user_content(body) + ".");
      std::string word;
      bool first = true;
      while (words >> word) {
        chunks.push_back(writer.choice({{"content", first ? word : " " + word}}, nullptr));
        first = false;
        ++completion_tokens;
      }
      chunks.push_back(writer.choice(Json::object(), "stop"));
    }
    if (include_usage) chunks.push_back(writer.usage(12, completion_tokens));
    chunks.push_back("data: [DONE]\n\n");
    return chunks;
  }

  void stream(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
              const FakeOpenAiSettings& settings, const std::optional<FakeOpenAiFaultSpec>& fault,
              const nlohmann::json& body, std::uint64_t number, std::chrono::steady_clock::time_point arrived_at) {
    std::vector<std::string> chunks;
    if (settings.mode == "replay") {
      const std::string bytes =
          settings.replay_stream.empty() ? std::string(openai_recorded::kTextMaxTokens) : settings.replay_stream;
      if (settings.replay_random_splits) {
        std::minstd_rand random(static_cast<std::minstd_rand::result_type>(number));
        for (std::size_t at = 0; at < bytes.size();) {
          const std::size_t size = 1 + random() % 17;
          chunks.push_back(bytes.substr(at, size));
          at += size;
        }
      } else {
        chunks.push_back(bytes);
      }
    } else {
      chunks = plan_chunks(settings, body, number);
    }

    response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType("text/event-stream");
    response.setChunkedTransferEncoding(true);
    response.set("Cache-Control", "no-cache");
    response.set("x-request-id", "req_fake" + std::to_string(number));
    std::ostream& out = response.send();
    out.flush();

    const double first_delay_ms =
        settings.first_token_delay_ms +
        (fault && fault->kind == FakeOpenAiFault::slow_first_token ? fault->slow_first_token_ms : 0);
    const double pace_ms = settings.tokens_per_second > 0 ? 1000.0 / settings.tokens_per_second : 0;
    try {
      if (!state_->sleep_until(arrived_at + std::chrono::microseconds(static_cast<long long>(first_delay_ms * 1000.0)))) {
        return;
      }
      for (std::size_t index = 0; index < chunks.size(); ++index) {
        if (fault && static_cast<std::size_t>(fault->chunks_before) == index) {
          if (fault->kind == FakeOpenAiFault::disconnect_mid_stream) {
            // An abrupt end: no terminating chunk, no [DONE].
            static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket().shutdown();
            return;
          }
          if (fault->kind == FakeOpenAiFault::malformed_chunk) {
            write(out, "data: {\"id\":\"chatcmpl-broken\",\"choices\":[{\"delta\":{\"content\":\"oo\n\n");
          }
        }
        if (index > 0 && !state_->sleep_ms(pace_ms)) return;
        write(out, chunks[index]);
      }
      if (!state_->sleep_ms(settings.body_end_delay_ms)) return;
    } catch (const ClientGone&) {
      {
        const std::lock_guard lock(state_->mutex);
        ++state_->aborted_streams;
      }
      state_->changed.notify_all();
    } catch (const Poco::Exception&) {
      // The connection broke in a way Poco reports itself; treat as the client leaving.
      {
        const std::lock_guard lock(state_->mutex);
        ++state_->aborted_streams;
      }
      state_->changed.notify_all();
    }
  }

  static void write(std::ostream& out, const std::string& bytes) {
    out << bytes;
    out.flush();  // one HTTP chunk per write, so the client sees our boundaries
    if (!out) throw ClientGone();
  }

  std::shared_ptr<FakeOpenAiState> state_;
};

class HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(std::shared_ptr<FakeOpenAiState> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new ChatCompletionsHandler(state_);
  }

 private:
  std::shared_ptr<FakeOpenAiState> state_;
};

}  // namespace
}  // namespace detail

FakeOpenAi::FakeOpenAi(FakeOpenAiSettings settings)
    : initial_settings_(std::move(settings)), state_(std::make_shared<detail::FakeOpenAiState>()) {
  state_->settings = initial_settings_;
}

FakeOpenAi::~FakeOpenAi() { stop(); }

Status FakeOpenAi::start() {
  if (server_) return Status::ok();
  // A client that hangs up mid-stream must fail our write, not kill the test process
  // (the host ignores SIGPIPE the same way).
  std::signal(SIGPIPE, SIG_IGN);
  try {
    const FakeOpenAiSettings settings = this->settings();
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(settings.bind_address, settings.port), true);
    socket.listen(std::max(64, settings.max_connections));
    bound_port_ = socket.address().port();
    {
      const std::lock_guard lock(state_->mutex);
      state_->stopping = false;
    }
    auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
    params->setMaxThreads(settings.max_connections);
    params->setMaxQueued(settings.max_connections);
    params->setKeepAlive(true);
    params->setServerName("fake-openai");
    auto server = std::make_unique<detail::FakeOpenAiServer>(settings.max_connections);
    server->http = std::make_unique<Poco::Net::HTTPServer>(Poco::makeShared<detail::HandlerFactory>(state_),
                                                           server->thread_pool, socket, params);
    server->http->start();
    server_ = std::move(server);
    return Status::ok();
  } catch (const Poco::Exception& error) {
    return Status(ErrorCode::unavailable, "fake OpenAI cannot listen: " + error.displayText());
  }
}

void FakeOpenAi::stop() {
  if (!server_) return;
  {
    const std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->changed.notify_all();
  server_->http->stop();
  server_->http->stopAll(true);
  server_->thread_pool.joinAll();
  server_.reset();
}

std::string FakeOpenAi::base_url() const {
  return "http://" + settings().bind_address + ":" + std::to_string(bound_port_) + "/v1";
}

void FakeOpenAi::set_settings(FakeOpenAiSettings settings) {
  const std::lock_guard lock(state_->mutex);
  state_->settings = std::move(settings);
}

FakeOpenAiSettings FakeOpenAi::settings() const {
  const std::lock_guard lock(state_->mutex);
  return state_->settings;
}

void FakeOpenAi::inject(const FakeOpenAiFaultSpec& fault, std::size_t count) {
  const std::lock_guard lock(state_->mutex);
  for (std::size_t i = 0; i < count; ++i) state_->faults.push_back(fault);
}

std::vector<OpenAiRecordedRequest> FakeOpenAi::requests() const {
  const std::lock_guard lock(state_->mutex);
  return state_->requests;
}

std::size_t FakeOpenAi::request_count() const {
  const std::lock_guard lock(state_->mutex);
  return state_->request_count;
}

bool FakeOpenAi::wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout, [&] { return state_->request_count >= count; });
}

std::size_t FakeOpenAi::aborted_streams() const {
  const std::lock_guard lock(state_->mutex);
  return state_->aborted_streams;
}

bool FakeOpenAi::wait_for_aborted_streams(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout, [&] { return state_->aborted_streams >= count; });
}

std::size_t FakeOpenAi::connections_accepted() const {
  return server_ ? static_cast<std::size_t>(server_->http->totalConnections()) : 0;
}

}  // namespace callagent::mock
