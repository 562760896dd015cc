#include "http/errors.h"

namespace bulwark::http {

int HttpStatusFor(core::ErrorCode code) {
  using core::ErrorCode;
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kDataLoss:
      return 422;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kDeadlineExceeded:
      return 504;
    case ErrorCode::kCanceled:
      return 499;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

void WriteJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void WriteError(httplib::Response& res, const core::Error& error) {
  nlohmann::json body = {{"code", std::string(core::ErrorCodeName(error.code))},
                         {"message", error.message}};
  if (res.has_header("X-Request-Id")) body["request_id"] = res.get_header_value("X-Request-Id");
  if (error.code == core::ErrorCode::kUnauthenticated) {
    res.set_header("WWW-Authenticate", "Bearer realm=\"bulwark\"");
  }
  WriteJson(res, HttpStatusFor(error.code), body);
}

}  // namespace bulwark::http
