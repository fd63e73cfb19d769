// A fake of Twilio's REST API for calls (../shared/protocols.md §1.4), for tests and the
// mock-vendors runner: create a call, update or hang up a call, with Basic auth, Twilio's
// error bodies, a record of every request, and fault injection.
//
// What it models: the two POST endpoints the host uses, the credential check, the
// required fields of a create. What it does not: call existence (any well-formed "CA…"
// sid is a live call; use fail_next(404, 20404, …) for a call that is gone), GET/list,
// and placing the call (on_call_created lets a test play Twilio's part).
//
// Threading: start()/stop() from one owning thread. Requests are served on the fake's
// own thread pool; every other method is safe from any thread. The on_call_created
// callback runs on a server thread, after the create's answer has been written.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "callagent/plugin_api/status.h"
#include "host/twilio/form_params.h"

namespace callagent::mock {

namespace detail {
struct FakeTwilioRestState;   // shared with the request handlers; defined in the .cpp
struct FakeTwilioRestServer;  // the Poco server and its threads
}  // namespace detail

// Header names compare without case, as HTTP says.
struct HeaderNameLess {
  bool operator()(const std::string& left, const std::string& right) const;
};
using HeaderMap = std::map<std::string, std::string, HeaderNameLess>;

struct RecordedRequest {
  std::string method;
  std::string path;                 // without the query
  HeaderMap headers;                // repeated headers joined with ", "
  twilio::FormParams form;          // decoded body; empty when it did not parse
  std::string body;                 // raw, as received
};

struct FakeTwilioRestSettings {
  std::string account_sid = "AC00000000000000000000000000000000";
  std::string auth_token = "fake-twilio-auth-token";
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;           // 0: any free port, see port()
};

class FakeTwilioRest {
 public:
  using CallCreatedCallback =
      std::function<void(const RecordedRequest& request, const std::string& call_sid)>;

  explicit FakeTwilioRest(FakeTwilioRestSettings settings = {});
  ~FakeTwilioRest();  // stops
  FakeTwilioRest(const FakeTwilioRest&) = delete;
  FakeTwilioRest& operator=(const FakeTwilioRest&) = delete;

  // Binds and starts serving; unavailable with the address when the port is taken.
  Status start();
  // Stops accepting, wakes delayed answers, aborts open connections, joins the threads.
  // Idempotent.
  void stop();

  std::uint16_t port() const noexcept { return bound_port_; }
  // "http://127.0.0.1:<port>", the value for RestClientSettings::api_base_url.
  std::string base_url() const;
  const FakeTwilioRestSettings& settings() const noexcept { return settings_; }

  // A copy of every request received so far, in arrival order (faulted and rejected
  // requests included).
  std::vector<RecordedRequest> requests() const;
  // Waits until at least `count` requests have arrived; false on timeout.
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;
  void clear_requests();

  // The next `times` requests (after any earlier fail_next) are answered with
  // `http_status` and Twilio's error body {code, message, more_info, status}. With
  // `twilio_code` 0 the body is `message` as plain text, as a proxy's error page would be.
  void fail_next(int http_status, int twilio_code, std::string message, int times = 1);
  // Every answer waits this long first (0: none). Cut short by stop().
  void set_delay(std::chrono::milliseconds delay);
  // Replaces the callback (empty: none). Creates already answered are not replayed.
  void on_call_created(CallCreatedCallback callback);

 private:
  FakeTwilioRestSettings settings_;
  // Shared, so a handler still finishing during stop() never touches a dead fake.
  std::shared_ptr<detail::FakeTwilioRestState> state_;
  std::unique_ptr<detail::FakeTwilioRestServer> server_;
  std::uint16_t bound_port_ = 0;
};

}  // namespace callagent::mock
