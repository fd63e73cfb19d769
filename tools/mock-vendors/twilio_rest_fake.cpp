#include "tools/mock-vendors/twilio_rest_fake.h"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <istream>
#include <mutex>
#include <random>
#include <regex>
#include <utility>

#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>
#include <nlohmann/json.hpp>

namespace callagent::mock {

bool HeaderNameLess::operator()(const std::string& left, const std::string& right) const {
  return std::lexicographical_compare(
      left.begin(), left.end(), right.begin(), right.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) <
               std::tolower(static_cast<unsigned char>(b));
      });
}

namespace detail {

// One injected error answer, used `remaining_times` more times.
struct InjectedFault {
  int http_status = 500;
  int twilio_code = 0;
  std::string message;
  int remaining_times = 1;
};

// What the fake remembers of a call, enough to answer with a plausible resource.
struct FakeCall {
  std::string to;
  std::string from;
  std::string status;
  std::string direction;
  std::string date_created;
};

struct FakeTwilioRestState {
  FakeTwilioRestState(std::string account_sid_in, std::string auth_token_in)
      : account_sid(std::move(account_sid_in)), auth_token(std::move(auth_token_in)) {}

  const std::string account_sid;
  const std::string auth_token;

  mutable std::mutex mutex;
  // Signalled on every new request (wait_for_requests) and on stop (delayed answers).
  mutable std::condition_variable changed;
  std::vector<RecordedRequest> requests;
  std::deque<InjectedFault> faults;
  std::chrono::milliseconds delay{0};
  bool stopping = false;
  FakeTwilioRest::CallCreatedCallback call_created;
  std::map<std::string, FakeCall> calls;  // by sid
  std::mt19937_64 random{std::random_device{}()};
};

struct FakeTwilioRestServer {
  Poco::ThreadPool thread_pool{2, 16};
  std::unique_ptr<Poco::Net::HTTPServer> http;
};

}  // namespace detail

namespace {

using detail::FakeCall;
using detail::FakeTwilioRestState;

// A request body bigger than this is not something the host sends; stop reading there.
constexpr std::size_t kMaxRequestBodyBytes = 1024 * 1024;

std::string read_capped(std::istream& in) {
  std::string body;
  char buffer[8192];
  while (body.size() < kMaxRequestBodyBytes && in.read(buffer, sizeof buffer).gcount() > 0) {
    body.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  return body;
}

std::string rfc2822_now() {
  return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%w, %d %b %Y %H:%M:%S +0000");
}

// Caller holds state.mutex (the generator is shared).
std::string random_sid(FakeTwilioRestState& state, std::string_view prefix) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string sid(prefix);
  std::uniform_int_distribution<int> digit(0, 15);
  for (int index = 0; index < 32; ++index) sid += kHexDigits[digit(state.random)];
  return sid;
}

nlohmann::json null_if_empty(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

// Shaped like the spec's example of `api.v2010.account.call` (protocols.md §1.4).
nlohmann::json call_resource(const std::string& account_sid, const std::string& call_sid,
                             const FakeCall& call) {
  const std::string call_uri = "/2010-04-01/Accounts/" + account_sid + "/Calls/" + call_sid;
  nlohmann::json subresources = nlohmann::json::object();
  for (const char* name : {"notifications", "recordings", "payments", "events", "streams"}) {
    std::string title(name);
    title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
    subresources[name] = call_uri + "/" + title + ".json";
  }
  return {
      {"account_sid", account_sid},
      {"answered_by", nullptr},
      {"api_version", "2010-04-01"},
      {"caller_name", nullptr},
      {"date_created", null_if_empty(call.date_created)},
      {"date_updated", rfc2822_now()},
      {"direction", call.direction},
      {"duration", nullptr},
      {"end_time", nullptr},
      {"forwarded_from", nullptr},
      {"from", null_if_empty(call.from)},
      {"from_formatted", null_if_empty(call.from)},
      {"group_sid", nullptr},
      {"parent_call_sid", nullptr},
      {"phone_number_sid", nullptr},
      {"price", nullptr},
      {"price_unit", "USD"},
      {"sid", call_sid},
      {"start_time", nullptr},
      {"status", call.status},
      {"subresource_uris", subresources},
      {"to", null_if_empty(call.to)},
      {"to_formatted", null_if_empty(call.to)},
      {"trunk_sid", nullptr},
      {"uri", call_uri + ".json"},
      {"queue_time", "0"},
  };
}

void send_body(Poco::Net::HTTPServerResponse& response, int http_status,
               const std::string& content_type, const std::string& body) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(http_status));
  response.setContentType(content_type);
  response.sendBuffer(body.data(), body.size());
}

void send_json(Poco::Net::HTTPServerResponse& response, int http_status,
               const nlohmann::json& body) {
  send_body(response, http_status, "application/json; charset=utf-8", body.dump());
}

// Twilio's error body (protocols.md §1.4).
void send_twilio_error(Poco::Net::HTTPServerResponse& response, int http_status,
                       int twilio_code, const std::string& message) {
  send_json(response, http_status,
            {{"code", twilio_code},
             {"message", message},
             {"more_info", "https://www.twilio.com/docs/errors/" + std::to_string(twilio_code)},
             {"status", http_status}});
}

class TwilioRestHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit TwilioRestHandler(std::shared_ptr<FakeTwilioRestState> state)
      : state_(std::move(state)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    const RecordedRequest recorded = record(request);
    wait_for_delay();
    if (answer_injected_fault(response)) return;
    if (!has_valid_credentials(request)) {
      send_twilio_error(response, 401, 20003, "Authenticate");
      return;
    }
    route(recorded, response);
  }

 private:
  RecordedRequest record(Poco::Net::HTTPServerRequest& request) {
    RecordedRequest recorded;
    recorded.method = request.getMethod();
    try {
      recorded.path = Poco::URI(request.getURI()).getPath();
    } catch (const Poco::Exception&) {
      recorded.path = request.getURI();  // unparseable: record it as sent; no route matches
    }
    for (const auto& [name, value] : request) {
      auto [slot, inserted] = recorded.headers.emplace(name, value);
      if (!inserted) slot->second += ", " + value;
    }
    recorded.body = read_capped(request.stream());
    if (auto form = twilio::parse_form_urlencoded(recorded.body)) {
      recorded.form = std::move(form.value());
    }
    {
      const std::lock_guard lock(state_->mutex);
      state_->requests.push_back(recorded);
    }
    state_->changed.notify_all();
    return recorded;
  }

  void wait_for_delay() {
    std::unique_lock lock(state_->mutex);
    const auto delay = state_->delay;
    if (delay.count() > 0) {
      state_->changed.wait_for(lock, delay, [this] { return state_->stopping; });
    }
  }

  bool answer_injected_fault(Poco::Net::HTTPServerResponse& response) {
    detail::InjectedFault fault;
    {
      const std::lock_guard lock(state_->mutex);
      if (state_->faults.empty()) return false;
      fault = state_->faults.front();
      if (--state_->faults.front().remaining_times <= 0) state_->faults.pop_front();
    }
    if (fault.twilio_code == 0) {
      send_body(response, fault.http_status, "text/plain; charset=utf-8", fault.message);
    } else {
      send_twilio_error(response, fault.http_status, fault.twilio_code, fault.message);
    }
    return true;
  }

  bool has_valid_credentials(const Poco::Net::HTTPServerRequest& request) const {
    try {
      const Poco::Net::HTTPBasicCredentials credentials(request);
      return credentials.getUsername() == state_->account_sid &&
             credentials.getPassword() == state_->auth_token;
    } catch (const Poco::Exception&) {
      return false;  // no Authorization header, or not Basic
    }
  }

  void route(const RecordedRequest& recorded, Poco::Net::HTTPServerResponse& response) {
    static const std::regex kCallsPath(R"(^/2010-04-01/Accounts/([^/]+)/Calls\.json$)");
    static const std::regex kCallPath(R"(^/2010-04-01/Accounts/([^/]+)/Calls/([^/]+)\.json$)");
    std::smatch match;
    const bool is_create = std::regex_match(recorded.path, match, kCallsPath);
    if (!is_create && !std::regex_match(recorded.path, match, kCallPath)) {
      send_not_found(recorded, response);
      return;
    }
    if (match[1].str() != state_->account_sid) {
      send_not_found(recorded, response);  // another account's resources
      return;
    }
    if (recorded.method != "POST") {
      send_twilio_error(response, 405, 20004, "Method not allowed");
      return;
    }
    if (is_create) {
      create_call(recorded, response);
    } else {
      update_call(recorded, match[2].str(), response);
    }
  }

  static void send_not_found(const RecordedRequest& recorded,
                             Poco::Net::HTTPServerResponse& response) {
    send_twilio_error(response, 404, 20404,
                      "The requested resource " + recorded.path + " was not found");
  }

  void create_call(const RecordedRequest& recorded, Poco::Net::HTTPServerResponse& response) {
    const auto& form = recorded.form;
    const auto to = twilio::find_param(form, "To");
    const auto from = twilio::find_param(form, "From");
    // Codes modelled on Twilio's ("No 'To' number is specified" is 21201).
    if (!to || to->empty()) {
      send_twilio_error(response, 400, 21201, "No 'To' number is specified");
      return;
    }
    if (!from || from->empty()) {
      send_twilio_error(response, 400, 21213, "No 'From' number is specified");
      return;
    }
    if (!twilio::find_param(form, "Url") && !twilio::find_param(form, "Twiml") &&
        !twilio::find_param(form, "ApplicationSid")) {
      send_twilio_error(response, 400, 21205, "Url, Twiml or ApplicationSid is required");
      return;
    }

    FakeCall call{std::string(*to), std::string(*from), "queued", "outbound-api", rfc2822_now()};
    std::string call_sid;
    FakeTwilioRest::CallCreatedCallback callback;
    {
      const std::lock_guard lock(state_->mutex);
      call_sid = random_sid(*state_, "CA");
      state_->calls[call_sid] = call;
      callback = state_->call_created;
    }
    send_json(response, 201, call_resource(state_->account_sid, call_sid, call));
    // The answer is on the wire (sendBuffer), so the client has its sid before any
    // webhook the callback triggers can mention it.
    if (callback) callback(recorded, call_sid);
  }

  void update_call(const RecordedRequest& recorded, const std::string& call_sid,
                   Poco::Net::HTTPServerResponse& response) {
    static const std::regex kCallSid("^CA[0-9a-fA-F]{32}$");
    if (!std::regex_match(call_sid, kCallSid)) {
      send_not_found(recorded, response);
      return;
    }
    const auto status = twilio::find_param(recorded.form, "Status");
    if (status && *status != "completed" && *status != "canceled") {
      send_twilio_error(response, 400, 20001, "Status must be completed or canceled");
      return;
    }
    FakeCall call;
    {
      const std::lock_guard lock(state_->mutex);
      // Unknown but well-formed sids are live calls someone else created (inbound ones).
      auto [slot, inserted] = state_->calls.try_emplace(call_sid);
      if (inserted) slot->second = FakeCall{"", "", "in-progress", "inbound", ""};
      if (status) {
        slot->second.status = std::string(*status);
      } else if (twilio::find_param(recorded.form, "Twiml") ||
                 twilio::find_param(recorded.form, "Url")) {
        slot->second.status = "in-progress";
      }
      call = slot->second;
    }
    send_json(response, 200, call_resource(state_->account_sid, call_sid, call));
  }

  std::shared_ptr<FakeTwilioRestState> state_;
};

class TwilioRestHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit TwilioRestHandlerFactory(std::shared_ptr<FakeTwilioRestState> state)
      : state_(std::move(state)) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new TwilioRestHandler(state_);  // Poco owns and deletes it
  }

 private:
  std::shared_ptr<FakeTwilioRestState> state_;
};

}  // namespace

FakeTwilioRest::FakeTwilioRest(FakeTwilioRestSettings settings)
    : settings_(std::move(settings)),
      state_(std::make_shared<detail::FakeTwilioRestState>(settings_.account_sid,
                                                           settings_.auth_token)) {}

FakeTwilioRest::~FakeTwilioRest() { stop(); }

Status FakeTwilioRest::start() {
  if (server_) return Status::ok();
  try {
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(settings_.bind_address, settings_.port), true);
    socket.listen(64);
    bound_port_ = socket.address().port();
    {
      const std::lock_guard lock(state_->mutex);
      state_->stopping = false;
    }
    auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
    params->setMaxThreads(16);
    params->setKeepAlive(true);
    params->setServerName("fake-twilio-rest");
    auto server = std::make_unique<detail::FakeTwilioRestServer>();
    server->http = std::make_unique<Poco::Net::HTTPServer>(
        Poco::makeShared<TwilioRestHandlerFactory>(state_), server->thread_pool, socket, params);
    server->http->start();
    server_ = std::move(server);
    return Status::ok();
  } catch (const Poco::Exception& error) {
    return Status(ErrorCode::unavailable,
                  "fake Twilio REST cannot listen on " + settings_.bind_address + ":" +
                      std::to_string(settings_.port) + ": " + error.displayText());
  }
}

void FakeTwilioRest::stop() {
  if (!server_) return;
  {
    const std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->changed.notify_all();
  server_->http->stop();
  server_->http->stopAll(true);  // abort keep-alive connections and slow clients
  server_->thread_pool.joinAll();
  server_.reset();
}

std::string FakeTwilioRest::base_url() const {
  return "http://" + settings_.bind_address + ":" + std::to_string(bound_port_);
}

std::vector<RecordedRequest> FakeTwilioRest::requests() const {
  const std::lock_guard lock(state_->mutex);
  return state_->requests;
}

bool FakeTwilioRest::wait_for_requests(std::size_t count,
                                       std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout,
                                  [&] { return state_->requests.size() >= count; });
}

void FakeTwilioRest::clear_requests() {
  const std::lock_guard lock(state_->mutex);
  state_->requests.clear();
}

void FakeTwilioRest::fail_next(int http_status, int twilio_code, std::string message,
                               int times) {
  if (times <= 0) return;
  const std::lock_guard lock(state_->mutex);
  state_->faults.push_back({http_status, twilio_code, std::move(message), times});
}

void FakeTwilioRest::set_delay(std::chrono::milliseconds delay) {
  const std::lock_guard lock(state_->mutex);
  state_->delay = delay;
}

void FakeTwilioRest::on_call_created(CallCreatedCallback callback) {
  const std::lock_guard lock(state_->mutex);
  state_->call_created = std::move(callback);
}

}  // namespace callagent::mock
