#include "scanners/xray/xray_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "scanners/xray/url.h"

namespace bulwark::scanners::xray {
namespace {

using core::ErrorCode;
using std::chrono::milliseconds;

bool Canceled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

ErrorCode CodeForStatus(int status) {
  if (status == 400 || status == 422) return ErrorCode::kInvalidArgument;
  if (status == 401) return ErrorCode::kUnauthenticated;
  if (status == 403) return ErrorCode::kPermissionDenied;
  if (status == 404) return ErrorCode::kNotFound;
  if (status == 409) return ErrorCode::kConflict;
  if (status == 413) return ErrorCode::kTooLarge;
  if (status >= 300 && status < 400) return ErrorCode::kUnavailable;
  if (IsRetryableStatus(status)) return ErrorCode::kUnavailable;
  return ErrorCode::kInternal;
}

}  // namespace

XrayClient::XrayClient(IntegrationSettings settings, ScannerDeps deps, XrayOptions options)
    : settings_(std::move(settings)),
      deps_(deps),
      options_(std::move(options)),
      base_url_(NormalizePlatformUrl(settings_.url)) {
  if (!options_.jitter) options_.jitter = DefaultJitter();
  options_.page_concurrency = std::max(1, options_.page_concurrency);
  options_.page_size = std::max(1, options_.page_size);
  options_.retry.max_attempts = std::max(1, options_.retry.max_attempts);
}

env::HttpRequest XrayClient::MakeRequest(const XrayCall& call) const {
  env::HttpRequest request;
  request.method = call.method;
  request.url = base_url_.value_or("") + call.path;
  request.body = call.body;
  request.insecure = settings_.insecure;
  request.connect_timeout = options_.connect_timeout;
  request.timeout = call.timeout.count() > 0 ? call.timeout : options_.request_timeout;
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("Content-Type", "application/json");
  if (!settings_.access_token.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + settings_.access_token);
  }
  return request;
}

bool XrayClient::SleepUnlessCanceled(milliseconds d, const std::atomic<bool>* cancel) {
  constexpr milliseconds kSlice{100};
  while (d.count() > 0) {
    if (Canceled(cancel)) return false;
    auto step = std::min(d, kSlice);
    deps_.clock.SleepFor(step);
    d -= step;
  }
  return !Canceled(cancel);
}

core::Result<env::HttpResponse> XrayClient::Send(const XrayCall& call) {
  if (!base_url_) return std::unexpected(base_url_.error());
  const std::string what = fmt::format("xray: {} {}", call.method, call.path);
  const auto start = deps_.clock.Now();
  for (int attempt = 1;; ++attempt) {
    if (Canceled(call.cancel)) return core::Fail(ErrorCode::kCanceled, what + " canceled");
    auto result = deps_.transport.Send(MakeRequest(call));
    std::optional<milliseconds> retry_after;
    std::string failure;
    if (result) {
      if (!call.retry || !IsRetryableStatus(result->status)) return std::move(*result);
      if (auto header = result->Header("Retry-After")) {
        retry_after = ParseRetryAfter(*header, deps_.clock.Now());
      }
      failure = fmt::format("returned {}", result->status);
    } else {
      const auto& error = result.error();
      bool not_sent = error.kind == env::TransportErrorKind::kDnsFailure ||
                      error.kind == env::TransportErrorKind::kConnectionRefused;
      bool transient = not_sent || error.kind == env::TransportErrorKind::kTimeout ||
                       error.kind == env::TransportErrorKind::kConnectionDropped;
      if (!call.retry || !transient || (!not_sent && !call.retry_after_send)) {
        return std::unexpected(error.ToError().Wrap(what + " failed"));
      }
      failure =
          fmt::format("failed ({}: {})", env::TransportErrorKindName(error.kind), error.message);
    }
    auto delay = BackoffDelay(options_.retry, attempt, retry_after, options_.jitter());
    bool out_of_time = deps_.clock.Now() - start + delay > options_.retry.max_elapsed;
    if (attempt >= options_.retry.max_attempts || out_of_time) {
      return core::Fail(ErrorCode::kUnavailable,
                        fmt::format("{} {} after {} attempts", what, failure, attempt));
    }
    if (!SleepUnlessCanceled(delay, call.cancel)) {
      return core::Fail(ErrorCode::kCanceled, what + " canceled");
    }
  }
}

std::string ServerMessage(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object()) {
    if (json.contains("error") && json["error"].is_string()) return json["error"];
    if (json.contains("errors") && json["errors"].is_array() && !json["errors"].empty() &&
        json["errors"][0].is_object() && json["errors"][0].contains("message") &&
        json["errors"][0]["message"].is_string()) {
      return json["errors"][0]["message"];
    }
  }
  std::string text(Trim(body.substr(0, 200)));
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

core::Result<env::HttpResponse> Expect2xx(core::Result<env::HttpResponse> response,
                                          std::string_view what) {
  if (!response) return response;
  int status = response->status;
  if (status >= 200 && status < 300) return response;
  std::string message = fmt::format("{} returned {}", what, status);
  if (status >= 300 && status < 400) {
    message += fmt::format(" (redirect to {})", response->Header("Location").value_or("?"));
  } else if (auto text = ServerMessage(response->body); !text.empty()) {
    message += fmt::format(" ({})", text);
  }
  if (status == 401) message += fmt::format(": {}", kHintUnauthorized);
  if (status == 403) message += fmt::format(": {}", kHintForbidden);
  return core::Fail(CodeForStatus(status), std::move(message));
}

bool LooksLikeContentPage(std::string_view body) {
  body = Trim(body);
  return body.size() >= 2 && body.front() == '{' && body.back() == '}' &&
         body.find("\"rows\"") != std::string_view::npos;
}

std::optional<std::int64_t> ScanTotalRows(std::string_view body) {
  constexpr std::string_view kKey = "\"total_rows\"";
  auto pos = body.find(kKey);
  if (pos == std::string_view::npos) return std::nullopt;
  pos += kKey.size();
  while (pos < body.size() && (std::isspace(static_cast<unsigned char>(body[pos])))) ++pos;
  if (pos >= body.size() || body[pos] != ':') return std::nullopt;
  ++pos;
  while (pos < body.size() && (std::isspace(static_cast<unsigned char>(body[pos])))) ++pos;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(body.data() + pos, body.data() + body.size(), value);
  if (ec != std::errc() || value < 0) return std::nullopt;
  return value;
}

std::unique_ptr<ScannerAdapter> MakeXrayAdapter(const IntegrationSettings& settings,
                                                ScannerDeps deps, XrayOptions options) {
  return std::make_unique<XrayClient>(settings, deps, std::move(options));
}

}  // namespace bulwark::scanners::xray
