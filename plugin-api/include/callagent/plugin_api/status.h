// Status and Result<T>: how expected failures cross the plugin boundary.
// Exceptions never cross it; every fallible call returns one of these instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace callagent {

// What went wrong, coarse enough for the host to pick a policy (retry, apologise,
// hang up) without parsing messages.
enum class ErrorCode : std::uint16_t {
  ok = 0,
  invalid_argument,   // the caller passed something malformed
  invalid_config,     // the plugin's config subtree is wrong; message names the JSON path
  not_found,
  already_exists,
  unavailable,        // the vendor or backend cannot be reached right now
  timeout,
  unauthenticated,    // vendor rejected the credentials (401/403)
  rate_limited,       // vendor said 429 or equivalent
  vendor_error,       // vendor answered with an error or with nonsense
  cancelled,
  capacity,           // a local limit was reached
  internal,
};

constexpr std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::ok: return "ok";
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::invalid_config: return "invalid_config";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::already_exists: return "already_exists";
    case ErrorCode::unavailable: return "unavailable";
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::unauthenticated: return "unauthenticated";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::vendor_error: return "vendor_error";
    case ErrorCode::cancelled: return "cancelled";
    case ErrorCode::capacity: return "capacity";
    case ErrorCode::internal: return "internal";
  }
  return "unknown";
}

// A value type: an error code plus a human-readable message (no secrets in it).
class Status {
 public:
  Status() = default;  // ok
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }

  bool is_ok() const noexcept { return code_ == ErrorCode::ok; }
  explicit operator bool() const noexcept { return is_ok(); }
  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

 private:
  ErrorCode code_ = ErrorCode::ok;
  std::string message_;
};

// Either a T or an error Status. Constructing from an ok Status is a programming error
// and turns into an internal error rather than an empty value.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Status error) : state_(std::in_place_index<1>, std::move(error)) {  // NOLINT
    if (std::get<1>(state_).is_ok()) {
      state_.template emplace<1>(ErrorCode::internal, "Result constructed from an ok Status");
    }
  }
  Result(ErrorCode code, std::string message)
      : Result(Status(code, std::move(message))) {}

  bool is_ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return is_ok(); }

  // Precondition: is_ok().
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }

  // The error; an ok Status when is_ok().
  Status status() const { return is_ok() ? Status::ok() : std::get<1>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace callagent
