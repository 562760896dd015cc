#include "core/error.h"

namespace bulwark::core {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kDataLoss:
      return "data_loss";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case ErrorCode::kCanceled:
      return "canceled";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

Error Error::Wrap(std::string_view context) const {
  std::string wrapped(context);
  wrapped += ": ";
  wrapped += message;
  return Error{code, std::move(wrapped)};
}

}  // namespace bulwark::core
