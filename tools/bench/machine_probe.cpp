#include "tools/bench/machine_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace callagent::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kRoundTrips = 2000;
constexpr std::size_t kMessageBytes = 160;  // one 20 ms μ-law frame
constexpr int kComputeIterations = 50'000'000;

// Closes the fd when it goes out of scope.
struct Fd {
  int value = -1;
  ~Fd() {
    if (value >= 0) ::close(value);
  }
};

void no_delay(int fd) {
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

bool receive_all(int fd, char* buffer, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    const ssize_t count = ::recv(fd, buffer + got, size - got, 0);
    if (count <= 0) return false;
    got += static_cast<std::size_t>(count);
  }
  return true;
}

double compute_loop_ms() {
  const auto started = Clock::now();
  volatile double sink = 0;
  double value = 1.0;
  for (int index = 0; index < kComputeIterations; ++index) value = value * 1.0000001 + 0.5;
  sink = value;
  (void)sink;
  return std::chrono::duration<double, std::milli>(Clock::now() - started).count();
}

}  // namespace

std::optional<MachineSpeed> measure_machine_speed() {
  Fd listener{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (listener.value < 0) return std::nullopt;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listener.value, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener.value, 1) != 0 ||
      ::getsockname(listener.value, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return std::nullopt;
  }
  Fd client{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (client.value < 0 || ::connect(client.value, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return std::nullopt;
  }
  Fd server{::accept(listener.value, nullptr, nullptr)};
  if (server.value < 0) return std::nullopt;
  no_delay(client.value);
  no_delay(server.value);

  std::thread echo([fd = server.value] {
    char buffer[kMessageBytes];
    while (receive_all(fd, buffer, sizeof buffer)) {
      if (::send(fd, buffer, sizeof buffer, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof buffer)) break;
    }
  });
  std::vector<double> round_trips_us;
  round_trips_us.reserve(kRoundTrips);
  char message[kMessageBytes] = {};
  for (int index = 0; index < kRoundTrips; ++index) {
    const auto sent_at = Clock::now();
    if (::send(client.value, message, sizeof message, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof message) ||
        !receive_all(client.value, message, sizeof message)) {
      break;
    }
    round_trips_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - sent_at).count());
  }
  ::shutdown(client.value, SHUT_RDWR);
  echo.join();
  if (round_trips_us.empty()) return std::nullopt;

  std::sort(round_trips_us.begin(), round_trips_us.end());
  MachineSpeed speed;
  speed.loopback_round_trip_us_p50 = round_trips_us[round_trips_us.size() / 2];
  speed.loopback_round_trip_us_p90 = round_trips_us[round_trips_us.size() * 9 / 10];
  speed.compute_loop_ms = compute_loop_ms();
  return speed;
}

}  // namespace callagent::bench
