#include "env/http_transport.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>

namespace bulwark::env {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

TransportErrorKind KindOf(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportErrorKind::kDnsFailure;
    case CURLE_COULDNT_CONNECT:
      return TransportErrorKind::kConnectionRefused;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportErrorKind::kTimeout;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return TransportErrorKind::kTls;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TransportErrorKind::kConnectionDropped;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return TransportErrorKind::kInvalidRequest;
    default:
      return TransportErrorKind::kOther;
  }
}

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    response->headers.clear();  // a new response (e.g. after 100 Continue)
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  if (line.size() > 15 && (line[0] == 'C' || line[0] == 'c') &&
      EqualsIgnoreCase(line.substr(0, colon), "Content-Length")) {
    // Reserve the body once instead of growing it chunk by chunk (pages can be megabytes).
    std::size_t length = std::strtoull(std::string(line.substr(colon + 1)).c_str(), nullptr, 10);
    if (length > 0 && length < (std::size_t{1} << 31)) response->body.reserve(length);
  }
  auto value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  response->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return size * count;
}

// State of one request's connect_guard: the first refusal reason, reported if the connect fails.
struct GuardContext {
  const HttpRequest* request = nullptr;
  std::optional<std::string> refusal;
};

std::string AddressText(const curl_sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (address->family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
  } else if (address->family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
  }
  return text;
}

// CURLOPT_OPENSOCKETFUNCTION: runs after resolution, before the socket exists.
curl_socket_t OpenGuardedSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* context = static_cast<GuardContext*>(user);
  if (purpose == CURLSOCKTYPE_IPCXN) {
    std::string text = AddressText(address);
    std::optional<std::string> refusal =
        text.empty() ? std::optional<std::string>("address family not allowed")
                     : context->request->connect_guard(text);
    if (refusal) {
      if (!context->refusal) context->refusal = std::move(refusal);
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype, address->protocol);
}

// A pool of easy handles: curl_easy_reset keeps live connections, so reuse gives keep-alive.
class CurlTransport final : public HttpTransport {
 public:
  CurlTransport() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }
  ~CurlTransport() override {
    for (CURL* handle : idle_) curl_easy_cleanup(handle);
  }

  HttpResult Send(const HttpRequest& request) override {
    CURL* handle = Acquire();
    auto result = Perform(handle, request);
    Release(handle);
    return result;
  }

 private:
  CURL* Acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        CURL* handle = idle_.back();
        idle_.pop_back();
        curl_easy_reset(handle);
        return handle;
      }
    }
    return curl_easy_init();
  }

  void Release(CURL* handle) {
    std::lock_guard lock(mu_);
    idle_.push_back(handle);
  }

  static HttpResult Perform(CURL* h, const HttpRequest& request) {
    HttpResponse response;
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(request.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, request.insecure ? 0L : 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, request.insecure ? 0L : 2L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, WriteHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);
    GuardContext guard{&request, std::nullopt};
    if (request.connect_guard) {
      curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, OpenGuardedSocket);
      curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &guard);
      curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
      curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
      curl_easy_setopt(h, CURLOPT_PROXY, "");
    }
    char error_buffer[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    CURLcode code = curl_easy_perform(h);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(headers);
    if (code != CURLE_OK && guard.refusal &&
        (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST)) {
      return std::unexpected(TransportError{TransportErrorKind::kBlocked, *guard.refusal});
    }
    if (code != CURLE_OK) {
      std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
      return std::unexpected(TransportError{KindOf(code), detail});
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }

  std::mutex mu_;
  std::vector<CURL*> idle_;  // guarded by mu_
};

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

std::string_view TransportErrorKindName(TransportErrorKind kind) {
  switch (kind) {
    case TransportErrorKind::kDnsFailure:
      return "dns failure";
    case TransportErrorKind::kConnectionRefused:
      return "connection refused";
    case TransportErrorKind::kTimeout:
      return "timeout";
    case TransportErrorKind::kTls:
      return "tls error";
    case TransportErrorKind::kConnectionDropped:
      return "connection dropped";
    case TransportErrorKind::kInvalidRequest:
      return "invalid request";
    case TransportErrorKind::kBlocked:
      return "blocked";
    case TransportErrorKind::kOther:
      return "transport error";
  }
  return "transport error";
}

core::Error TransportError::ToError() const {
  auto code = core::ErrorCode::kUnavailable;
  if (kind == TransportErrorKind::kInvalidRequest) code = core::ErrorCode::kInvalidArgument;
  if (kind == TransportErrorKind::kBlocked) code = core::ErrorCode::kPermissionDenied;
  return core::Error{code, std::string(TransportErrorKindName(kind)) + ": " + message};
}

std::unique_ptr<HttpTransport> MakeCurlTransport() { return std::make_unique<CurlTransport>(); }

}  // namespace bulwark::env
