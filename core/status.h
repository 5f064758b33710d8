// Status and Result<T>: corral's one error type at module boundaries.
//
// A Status is either ok or carries a stable code (for machines: CLI exit codes,
// API error objects) and a human message (for people). Foreign errors (libgit2
// ints, SQLite rcs, errno) are converted to a Status once, where they enter.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace corral {

enum class Code {
  kOk,
  kInvalidArgument,     // the caller's input is wrong; retrying will not help
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // creating something that is already there
  kFailedPrecondition,  // the system is not in a state that allows this
  kPermissionDenied,    // the environment or the caller's role forbids it
  kUnauthenticated,     // no valid credentials
  kIo,                  // the disk, a pipe or a child process failed
  kTimeout,             // a deadline passed
  kBusy,                // someone else holds it (a lock file); retrying later may help
  kCorrupt,             // stored data failed an integrity check
  kInternal,            // a bug or an unexpected library failure
};

// Stable lower-case name of a code, e.g. "invalid_argument".
std::string_view code_name(Code code);

// [[nodiscard]]: a Status nobody looks at is a bug; one ignored on purpose is
// cast to void with the reason beside it.
class [[nodiscard]] Status {
 public:
  Status() = default;  // ok

  static Status ok() { return Status(); }
  static Status invalid_argument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status not_found(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status already_exists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
  static Status failed_precondition(std::string msg) { return {Code::kFailedPrecondition, std::move(msg)}; }
  static Status permission_denied(std::string msg) { return {Code::kPermissionDenied, std::move(msg)}; }
  static Status unauthenticated(std::string msg) { return {Code::kUnauthenticated, std::move(msg)}; }
  static Status io(std::string msg) { return {Code::kIo, std::move(msg)}; }
  static Status timeout(std::string msg) { return {Code::kTimeout, std::move(msg)}; }
  static Status busy(std::string msg) { return {Code::kBusy, std::move(msg)}; }
  static Status corrupt(std::string msg) { return {Code::kCorrupt, std::move(msg)}; }
  static Status internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }

  // errno at the point of failure, turned into a Status naming what was attempted.
  static Status from_errno(int err, std::string_view what);

  bool is_ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message".
  Status with_context(std::string_view context) const;

  // "code_name: message", or "ok".
  std::string to_string() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none. Never holds an ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).is_ok());
  }

  bool is_ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace corral

// Early return for Status-returning expressions inside Status/Result functions.
#define CORRAL_RETURN_IF_ERROR(expr)                    \
  do {                                                  \
    ::corral::Status corral_status_ = (expr);           \
    if (!corral_status_.is_ok()) return corral_status_; \
  } while (0)

#define CORRAL_CONCAT_INNER(a, b) a##b
#define CORRAL_CONCAT(a, b) CORRAL_CONCAT_INNER(a, b)

// `CORRAL_ASSIGN_OR_RETURN(auto task, queue.find(id));` declares (or assigns)
// `task` from a Result's value, or returns the Result's Status.
#define CORRAL_ASSIGN_OR_RETURN(lhs, expr) \
  CORRAL_ASSIGN_OR_RETURN_IMPL(CORRAL_CONCAT(corral_result_, __LINE__), lhs, expr)
#define CORRAL_ASSIGN_OR_RETURN_IMPL(result, lhs, expr) \
  auto result = (expr);                                 \
  if (!result.is_ok()) return result.status();          \
  lhs = std::move(result).value()
