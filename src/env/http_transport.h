// HttpTransport: the one way Bulwark talks HTTP to other systems (JFrog, webhooks). Tests can
// swap in a fault-injecting wrapper; production uses libcurl (MakeCurlTransport).
//
// Contract: Send() performs exactly one request and never follows redirects (a 3xx comes back as
// a response). A response of any status is a success of the transport; only failures to obtain a
// complete response are TransportErrors, typed so callers can diagnose them. Implementations are
// thread-safe and never log request headers (they carry credentials).
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace bulwark::env {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute http(s) URL, query included
  HttpHeaders headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{60'000};  // whole request
  bool insecure = false;                      // skip TLS certificate and host verification

  // Checked after DNS resolution against each address the transport is about to connect to
  // (text form: "10.0.0.1", "::1"); returning a reason refuses that address before its socket
  // opens, and Send fails with kBlocked carrying the reason when no address was allowed. When
  // set, proxies are bypassed and no pooled connection is reused, so the check always sees the
  // real peer (this is what makes an SSRF rule hold against DNS rebinding).
  std::function<std::optional<std::string>(std::string_view address)> connect_guard;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names as received
  std::string body;

  // First header with this name, compared case-insensitively.
  std::optional<std::string> Header(std::string_view name) const;
};

enum class TransportErrorKind {
  kDnsFailure,         // host name did not resolve
  kConnectionRefused,  // nothing listens, or the connection could not be made
  kTimeout,            // connect or whole-request time-out
  kTls,                // certificate not trusted, host mismatch, handshake failure
  kConnectionDropped,  // the peer closed or reset before the response was complete
  kInvalidRequest,     // malformed URL or unsupported scheme
  kBlocked,            // the request's connect_guard refused every address; nothing was sent
  kOther,
};

std::string_view TransportErrorKindName(TransportErrorKind kind);

struct TransportError {
  TransportErrorKind kind = TransportErrorKind::kOther;
  std::string message;  // human-readable detail from the implementation

  // kInvalidRequest -> kInvalidArgument; kBlocked -> kPermissionDenied; everything else ->
  // kUnavailable (retryable).
  core::Error ToError() const;
};

using HttpResult = std::expected<HttpResponse, TransportError>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual HttpResult Send(const HttpRequest& request) = 0;
};

// libcurl-backed transport. Reuses connections across requests; safe to share between threads.
std::unique_ptr<HttpTransport> MakeCurlTransport();

}  // namespace bulwark::env
