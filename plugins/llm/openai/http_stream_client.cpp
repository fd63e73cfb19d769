#include "http_stream_client.h"

#include <sys/socket.h>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/URI.h>

namespace callagent::plugins::openai {
namespace {

// Exposes the protected reconnect() so a connection can be opened before the first
// request (pre-warm) and so we know exactly when the socket changes.
template <typename Base>
class OpenableSession final : public Base {
 public:
  using Base::Base;
  void open() {
    if (!this->connected()) this->reconnect();
  }
};

Poco::Timespan to_timespan(std::chrono::milliseconds duration) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(duration.count()) * 1000);
}

// An idle keep-alive connection the server has closed reads as "readable" (EOF). Sending
// on it would fail only after the request went out, costing a retry; check first.
bool idle_connection_is_dead(Poco::Net::HTTPClientSession& session) {
  try {
    return session.socket().poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ |
                                                         Poco::Net::Socket::SELECT_ERROR);
  } catch (const Poco::Exception&) {
    return true;
  }
}

}  // namespace

Result<HttpEndpoint> parse_endpoint(const std::string& base_url) {
  try {
    const Poco::URI uri(base_url);
    HttpEndpoint endpoint;
    endpoint.tls = uri.getScheme() == "https";
    endpoint.host = uri.getHost();
    endpoint.port = uri.getPort();
    endpoint.path_prefix = uri.getPath();
    while (!endpoint.path_prefix.empty() && endpoint.path_prefix.back() == '/') endpoint.path_prefix.pop_back();
    if (endpoint.host.empty()) return Status(ErrorCode::invalid_config, "base_url: the URL has no host");
    return endpoint;
  } catch (const Poco::Exception&) {
    return Status(ErrorCode::invalid_config, "base_url: not a valid URL");
  }
}

HttpStreamClient::HttpStreamClient(HttpEndpoint endpoint, std::chrono::milliseconds connect_timeout,
                                   Poco::Net::Context::Ptr tls_context)
    : endpoint_(std::move(endpoint)), connect_timeout_(connect_timeout), tls_context_(std::move(tls_context)) {}

HttpStreamClient::~HttpStreamClient() { reset(); }

void HttpStreamClient::arm() {
  const std::lock_guard lock(socket_mutex_);
  abort_requested_ = false;
}

void HttpStreamClient::abort() noexcept {
  const std::lock_guard lock(socket_mutex_);
  abort_requested_ = true;
  // Wakes a read blocked on this socket (it returns end-of-stream); the worker then
  // sees abort_requested_ and drops the connection.
  if (active_socket_fd_ >= 0) ::shutdown(active_socket_fd_, SHUT_RDWR);
}

void HttpStreamClient::throw_if_aborted() {
  const std::lock_guard lock(socket_mutex_);
  if (abort_requested_) throw HttpAborted{};
}

void HttpStreamClient::reset() noexcept {
  {
    const std::lock_guard lock(socket_mutex_);
    active_socket_fd_ = -1;
  }
  body_ = nullptr;
  try {
    if (session_) session_->reset();
  } catch (...) {
    // Closing a broken socket may complain; the connection is gone either way.
  }
  session_.reset();
}

void HttpStreamClient::open() {
  if (session_ && session_->connected() && idle_connection_is_dead(*session_)) reset();
  if (!session_) {
    if (endpoint_.tls) {
      session_ = std::make_unique<OpenableSession<Poco::Net::HTTPSClientSession>>(endpoint_.host, endpoint_.port,
                                                                                   tls_context_);
    } else {
      session_ = std::make_unique<OpenableSession<Poco::Net::HTTPClientSession>>(endpoint_.host, endpoint_.port);
    }
    session_->setKeepAlive(true);
    // Poco would silently reconnect an idle session after its keep-alive timeout,
    // swapping the socket under abort(); idle_connection_is_dead() covers that instead.
    session_->setKeepAliveTimeout(Poco::Timespan(24 * 3600, 0));
    session_->setTimeout(to_timespan(connect_timeout_), to_timespan(connect_timeout_), to_timespan(connect_timeout_));
  }
  if (!session_->connected()) {
    try {
      if (endpoint_.tls) {
        static_cast<OpenableSession<Poco::Net::HTTPSClientSession>&>(*session_).open();
      } else {
        static_cast<OpenableSession<Poco::Net::HTTPClientSession>&>(*session_).open();
      }
    } catch (...) {
      reset();
      throw;
    }
  }
  const std::lock_guard lock(socket_mutex_);
  active_socket_fd_ = session_->socket().impl()->sockfd();
  if (abort_requested_) ::shutdown(active_socket_fd_, SHUT_RDWR);
}

void HttpStreamClient::warm_up() {
  throw_if_aborted();
  open();
}

HttpResponseHead HttpStreamClient::send(std::string_view path, const std::string& body, const Headers& headers,
                                        std::chrono::milliseconds receive_timeout) {
  throw_if_aborted();
  open();
  throw_if_aborted();
  session_->socket().setReceiveTimeout(to_timespan(receive_timeout));
  session_->setTimeout(to_timespan(connect_timeout_), to_timespan(connect_timeout_), to_timespan(receive_timeout));

  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, endpoint_.path_prefix + std::string(path),
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  request.setContentType("application/json");
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  for (const auto& [name, value] : headers) request.set(name, value);

  std::ostream& out = session_->sendRequest(request);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.flush();
  throw_if_aborted();

  Poco::Net::HTTPResponse response;
  std::istream& in = session_->receiveResponse(response);
  throw_if_aborted();
  // Let a socket error surface as its own Poco exception (timeout vs reset) instead of
  // a bare failbit.
  in.exceptions(std::ios::badbit);
  body_ = &in;

  HttpResponseHead head;
  head.status = static_cast<int>(response.getStatus());
  head.retry_after = response.get("Retry-After", "");
  head.retry_after_ms = response.get("retry-after-ms", "");
  return head;
}

std::size_t HttpStreamClient::read_some(char* buffer, std::size_t size) {
  if (body_ == nullptr || size == 0) return 0;
  // peek() blocks until the stream buffer holds at least one byte (or the body ends);
  // readsome() then takes what is buffered without blocking again.
  const auto next = body_->peek();
  throw_if_aborted();
  if (next == std::char_traits<char>::eof()) return 0;
  const std::streamsize got = body_->readsome(buffer, static_cast<std::streamsize>(size));
  return got > 0 ? static_cast<std::size_t>(got) : 0;
}

void HttpStreamClient::set_receive_timeout(std::chrono::milliseconds timeout) {
  if (session_ && session_->connected()) session_->socket().setReceiveTimeout(to_timespan(timeout));
}

std::string HttpStreamClient::read_rest(std::size_t limit_bytes) {
  std::string text;
  char buffer[4096];
  while (text.size() < limit_bytes) {
    const std::size_t got = read_some(buffer, sizeof buffer);
    if (got == 0) break;
    text.append(buffer, got);
  }
  return text;
}

}  // namespace callagent::plugins::openai
