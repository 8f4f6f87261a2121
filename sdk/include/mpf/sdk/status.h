#pragma once

/// @file
/// Status and Result: how every plugin call reports success or failure. No exception ever crosses the
/// plugin boundary; a plugin catches what its libraries throw and returns one of these instead.

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mpf {

/// What the caller should do about a failure.
enum class StatusCode : unsigned char {
  kOk = 0,
  /// Transient (timeout, connection refused, HTTP 5xx/429): the same call may succeed later.
  kRetryable = 1,
  /// Will fail again the same way (HTTP 4xx, unparseable data): do not retry, count and move on.
  kPermanent = 2,
  /// The configuration is wrong; fatal at start-up, never produced by runtime input.
  kInvalidArgument = 3,
};

/// The outcome of an operation. Success carries no message and costs nothing to copy.
class Status {
 public:
  /// Success.
  Status() = default;

  static Status ok() { return Status(); }
  static Status retryable(std::string message) { return Status(StatusCode::kRetryable, std::move(message)); }
  static Status permanent(std::string message) { return Status(StatusCode::kPermanent, std::move(message)); }
  static Status invalid_argument(std::string message) {
    return Status(StatusCode::kInvalidArgument, std::move(message));
  }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  bool is_retryable() const { return code_ == StatusCode::kRetryable; }
  StatusCode code() const { return code_; }
  /// Empty on success; otherwise meant for an operator: one line per problem (a config error may list
  /// several problems, one per line).
  const std::string& message() const { return message_; }

  /// "ok", or "<code>: <message>".
  std::string to_string() const {
    if (is_ok()) return "ok";
    return std::string(code_name(code_)) + ": " + message_;
  }

  static std::string_view code_name(StatusCode code) {
    switch (code) {
      case StatusCode::kOk: return "ok";
      case StatusCode::kRetryable: return "retryable";
      case StatusCode::kPermanent: return "permanent";
      case StatusCode::kInvalidArgument: return "invalid argument";
    }
    return "unknown";
  }

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

/// A value or the Status explaining why there is none. Constructing a Result from an ok Status is a
/// programming error; in release builds it becomes a permanent "internal error" so that it can never
/// pass for success.
template <class T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor): returns read naturally
  Result(Status status)  // NOLINT(google-explicit-constructor)
      : state_(status.is_ok() ? Status::permanent("internal error: a Result was made from an ok Status")
                              : std::move(status)) {
    assert(!status.is_ok() && "Result needs a value or a failure");
  }

  bool is_ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return is_ok(); }

  /// The failure, or an ok Status when there is a value. The reference lives as long as the Result.
  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<Status>(state_);
  }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace mpf
