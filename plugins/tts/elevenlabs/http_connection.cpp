#include "http_connection.h"

#include <sys/socket.h>

#include <utility>

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>

namespace callagent::plugins {
namespace {

Poco::Timespan milliseconds(int value) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(value) * 1000);
}

}  // namespace

HttpConnection::HttpConnection(ElevenLabsEndpoint endpoint, int connect_timeout_ms,
                               Poco::Net::Context::Ptr tls_context)
    : endpoint_(std::move(endpoint)), connect_timeout_ms_(connect_timeout_ms), tls_context_(std::move(tls_context)) {}

HttpConnection::~HttpConnection() { close(); }

void HttpConnection::connect() {
  close();
  const Poco::Net::SocketAddress address(endpoint_.host, endpoint_.port);
  Poco::Net::StreamSocket plain;
  plain.connect(address, milliseconds(connect_timeout_ms_));
  plain.setNoDelay(true);  // requests are small and latency-bound
  if (endpoint_.tls) {
    if (tls_context_.isNull()) throw Poco::Net::SSLException("no TLS context");
    // SNI and certificate checks use the configured host name.
    Poco::Net::SecureStreamSocket secure = Poco::Net::SecureStreamSocket::attach(plain, endpoint_.host, tls_context_);
    secure.setReceiveTimeout(milliseconds(connect_timeout_ms_));
    secure.completeHandshake();
    socket_ = secure;
  } else {
    socket_ = plain;
  }
  {
    std::lock_guard lock(descriptor_mutex_);
    descriptor_ = socket_.impl()->sockfd();
  }
  connected_ = true;
}

void HttpConnection::set_receive_timeout_ms(int timeout_ms) { socket_.setReceiveTimeout(milliseconds(timeout_ms)); }

void HttpConnection::send_all(std::string_view bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const int count = socket_.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
    if (count <= 0) throw Poco::Net::ConnectionResetException("send failed");
    sent += static_cast<std::size_t>(count);
  }
}

std::size_t HttpConnection::read_some(std::uint8_t* data, std::size_t size_bytes) {
  const int count = socket_.receiveBytes(data, static_cast<int>(size_bytes));
  // A plain socket throws Poco::TimeoutException when the receive timeout passes; a TLS one
  // returns a negative "want read" code instead, which means the same here.
  if (count < 0) throw Poco::TimeoutException("no data within the receive timeout");
  return static_cast<std::size_t>(count);
}

void HttpConnection::close() noexcept {
  {
    std::lock_guard lock(descriptor_mutex_);
    descriptor_ = -1;
  }
  if (connected_) {
    try {
      socket_.close();
    } catch (...) {  // closing a broken socket may complain; it is gone either way
    }
  }
  socket_ = Poco::Net::StreamSocket();
  connected_ = false;
}

void HttpConnection::abort() noexcept {
  std::lock_guard lock(descriptor_mutex_);
  if (descriptor_ >= 0) ::shutdown(descriptor_, SHUT_RDWR);
}

}  // namespace callagent::plugins
