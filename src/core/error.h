// The one error model of Bulwark: every fallible function returns Result<T>, an std::expected
// whose error carries a code that tells the caller what to do next and a message with context.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace bulwark::core {

enum class ErrorCode {
  kInvalidArgument,   // the caller sent something wrong; fix the input, do not retry
  kNotFound,          // the thing named does not exist
  kUnauthenticated,   // no valid credentials
  kPermissionDenied,  // valid credentials, not allowed
  kConflict,          // violates a uniqueness rule or the current state
  kUnavailable,       // a dependency is down or busy; retrying later may succeed
  kDataLoss,          // input is malformed or corrupt (a file, a page, a stored row)
  kTooLarge,          // input exceeds a configured limit
  kDeadlineExceeded,  // gave up waiting
  kCanceled,          // stopped on request
  kInternal,          // a bug or an unexpected state
};

// Stable lower-case name, used in API error bodies (`code`) and logs.
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  // The same error with "context: " in front of the message.
  Error Wrap(std::string_view context) const;
};

template <typename T>
using Result = std::expected<T, Error>;

using Status = std::expected<void, Error>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

inline Status Ok() { return {}; }

}  // namespace bulwark::core
