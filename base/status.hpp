#pragma once
// Status and StatusOr: expected failures travel as values, never as exceptions.
// C++14-clean on purpose: orm/ includes this header from its C++14 translation units.

#include <cstdint>
#include <new>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "base/api_code.hpp"

namespace fedflow {

/// Canonical error space. One table in service/http maps these to HTTP statuses.
enum class StatusCode : std::uint8_t {
  kOk = 0,
  kInvalidArgument,     ///< bad input; the message says what to fix (400)
  kNotFound,            ///< a named thing does not exist (404)
  kAlreadyExists,       ///< create of something present (409)
  kFailedPrecondition,  ///< the state does not allow the request (409)
  kAborted,             ///< lost a race; retry may succeed (409)
  kUnauthenticated,     ///< caller not proven (401)
  kPermissionDenied,    ///< caller proven but not allowed (403)
  kResourceExhausted,   ///< a limit or capacity is exceeded (429 / business code)
  kDeadlineExceeded,    ///< a peer or operation timed out (504)
  kUnavailable,         ///< a peer or the database cannot be reached (503)
  kInternal,            ///< a bug or an unexpected failure (500)
};

/// Human-readable name of a code, e.g. "InvalidArgument".
const char* StatusCodeName(StatusCode code);

/// Result of an operation that may fail. Cheap to copy when OK.
class Status {
 public:
  /// OK.
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  /// FATE-compatible business code carried to the API envelope (0 = derive from `code()`).
  int api_code() const { return api_code_; }
  Status& set_api_code(ApiCode code) { return set_api_code(static_cast<int>(code)); }
  Status& set_api_code(int api_code) {
    api_code_ = api_code;
    return *this;
  }

  /// "Code: message", for logs.
  std::string ToString() const;

  /// Same code, message prefixed with `context + ": "`.
  Status WithContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  int api_code_ = 0;
  std::string message_;
};

inline bool operator==(const Status& a, const Status& b) {
  return a.code() == b.code() && a.message() == b.message();
}
std::ostream& operator<<(std::ostream& os, const Status& s);
std::ostream& operator<<(std::ostream& os, StatusCode c);

Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status FailedPreconditionError(std::string message);
Status AbortedError(std::string message);
Status UnauthenticatedError(std::string message);
Status PermissionDeniedError(std::string message);
Status ResourceExhaustedError(std::string message);
Status DeadlineExceededError(std::string message);
Status UnavailableError(std::string message);
Status InternalError(std::string message);

/// A value or the Status explaining why there is none.
template <typename T>
class StatusOr {
 public:
  /// An error ("no value"), so StatusOr can live in containers and coroutine results.
  StatusOr() : status_(StatusCode::kInternal, "StatusOr holds no value") {}
  /// Holds an error; `status` must not be OK (an OK status becomes Internal).
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Status(StatusCode::kInternal, "StatusOr built from an OK status without value");
  }
  StatusOr(const T& value) { Construct(value); }  // NOLINT
  StatusOr(T&& value) { Construct(std::move(value)); }  // NOLINT

  StatusOr(const StatusOr& other) : status_(other.status_) {
    if (other.has_value_) Construct(other.value_);
  }
  StatusOr(StatusOr&& other) noexcept : status_(std::move(other.status_)) {
    if (other.has_value_) Construct(std::move(other.value_));
  }
  StatusOr& operator=(const StatusOr& other) {
    if (this != &other) {
      Destroy();
      status_ = other.status_;
      if (other.has_value_) Construct(other.value_);
    }
    return *this;
  }
  StatusOr& operator=(StatusOr&& other) noexcept {
    if (this != &other) {
      Destroy();
      status_ = std::move(other.status_);
      if (other.has_value_) Construct(std::move(other.value_));
    }
    return *this;
  }
  ~StatusOr() { Destroy(); }

  bool ok() const { return has_value_; }
  const Status& status() const { return status_; }

  /// Precondition: ok(). Checked: calling on an error aborts with the status in the message.
  const T& value() const& {
    CheckHasValue();
    return value_;
  }
  T& value() & {
    CheckHasValue();
    return value_;
  }
  T&& value() && {
    CheckHasValue();
    return std::move(value_);
  }
  /// The value, or `fallback` when this holds an error.
  T value_or(T fallback) const& { return has_value_ ? value_ : fallback; }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  template <typename U>
  void Construct(U&& v) {
    new (&value_) T(std::forward<U>(v));
    has_value_ = true;
    status_ = Status();
  }
  void Destroy() {
    if (has_value_) value_.~T();
    has_value_ = false;
  }
  void CheckHasValue() const;

  Status status_;
  bool has_value_ = false;
  union {
    T value_;
  };
};

/// Aborts the process with `what` (used for broken invariants only).
[[noreturn]] void AbortWithStatus(const char* what, const Status& status);

template <typename T>
void StatusOr<T>::CheckHasValue() const {
  if (!has_value_) AbortWithStatus("StatusOr::value() on an error", status_);
}

}  // namespace fedflow

#define FEDFLOW_STATUS_CONCAT_INNER(a, b) a##b
#define FEDFLOW_STATUS_CONCAT(a, b) FEDFLOW_STATUS_CONCAT_INNER(a, b)

/// Returns the Status of `expr` from the enclosing function when it is not OK.
#define FEDFLOW_RETURN_IF_ERROR(expr)                        \
  do {                                                       \
    ::fedflow::Status fedflow_status_tmp_ = (expr);          \
    if (!fedflow_status_tmp_.ok()) return fedflow_status_tmp_; \
  } while (0)

/// `lhs = value of expr`, or returns its Status from the enclosing function.
#define FEDFLOW_ASSIGN_OR_RETURN(lhs, expr) \
  FEDFLOW_ASSIGN_OR_RETURN_IMPL(FEDFLOW_STATUS_CONCAT(fedflow_statusor_, __LINE__), lhs, expr)
#define FEDFLOW_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
