#include "jobs/webhook_dispatcher.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "jobs/webhook_signature.h"

#ifndef BULWARK_VERSION
#define BULWARK_VERSION "0.0.0"
#endif

namespace bulwark::jobs {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

bool IsRetryableStatus(int status) {
  return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

// The first `limit` bytes, cut at a UTF-8 boundary, control characters as spaces.
std::string Snippet(std::string_view body, size_t limit) {
  size_t n = std::min(limit, body.size());
  while (n > 0 && n < body.size() && (static_cast<unsigned char>(body[n]) & 0xC0) == 0x80) --n;
  std::string out(body.substr(0, n));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (n < body.size()) out += "...";
  return out;
}

}  // namespace

std::string_view DeliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::kDelivered:
      return "delivered";
    case DeliveryState::kRetry:
      return "retry";
    case DeliveryState::kFailed:
      return "failed";
    case DeliveryState::kDisabled:
      return "disabled";
  }
  return "failed";
}

std::string WebhookUserAgent() { return "Bulwark/" BULWARK_VERSION; }

std::string RedactUrl(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return "(invalid url)";
  auto rest = url.substr(scheme + 3);
  auto end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, end);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);  // drop user:password
  }
  return fmt::format("{}://{}", url.substr(0, scheme), authority);
}

core::Status ValidateWebhookUrl(std::string_view url, const SsrfPolicy& policy) {
  auto bad = [&](std::string_view why) {
    return core::Fail(
        core::ErrorCode::kInvalidArgument,
        fmt::format("webhook.url: {} ({}); use http(s)://host[:port]/path", why, RedactUrl(url)));
  };
  const bool https = url.starts_with("https://");
  if (!https && !url.starts_with("http://")) return bad("must start with http:// or https://");
  if (url.size() > 2048) return bad("is longer than 2048 characters");
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return bad("contains spaces or control characters");
    }
  }
  std::string_view authority = url.substr(https ? 8 : 7);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return bad("must not carry user:password; use the webhook secret");
  }
  std::string_view host = authority;
  if (host.starts_with('[')) {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host.empty()) return bad("has no host");
  if (ClassifyAddress(host).address_class != AddressClass::kInvalid) {
    auto guard = SsrfGuard::Create(policy);
    if (!guard) return std::unexpected(guard.error());
    if (auto refusal = guard->Check(host)) {
      return core::Fail(core::ErrorCode::kInvalidArgument, "webhook.url: " + *refusal);
    }
  }
  return core::Ok();
}

core::Result<std::unique_ptr<WebhookDispatcher>> WebhookDispatcher::Create(
    Deps deps, WebhookSettings settings) {
  auto guard = SsrfGuard::Create(settings.ssrf);
  if (!guard) return std::unexpected(guard.error());
  if (!deps.jitter) deps.jitter = env::DefaultJitter();
  if (settings.user_agent.empty()) settings.user_agent = WebhookUserAgent();
  return std::unique_ptr<WebhookDispatcher>(
      new WebhookDispatcher(std::move(deps), std::move(settings), std::move(*guard)));
}

WebhookDispatcher::WebhookDispatcher(Deps deps, WebhookSettings settings, SsrfGuard guard)
    : deps_(std::move(deps)),
      settings_(std::move(settings)),
      guard_(std::make_shared<const SsrfGuard>(std::move(guard))) {}

env::HttpHeaders WebhookDispatcher::Headers(const WebhookDelivery& delivery,
                                            env::TimePoint now) const {
  const long long t = duration_cast<seconds>(now.time_since_epoch()).count();
  env::HttpHeaders headers = {
      {"Content-Type", "application/json"},       {"User-Agent", settings_.user_agent},
      {"X-Bulwark-Event", delivery.event},        {"X-Bulwark-Delivery", delivery.delivery_id},
      {"X-Bulwark-Timestamp", std::to_string(t)},
  };
  if (!delivery.secret.empty()) {
    headers.emplace_back("X-Bulwark-Signature",
                         SignatureHeaderValue(delivery.secret, t, delivery.body));
  }
  return headers;
}

DeliveryOutcome WebhookDispatcher::Deliver(const WebhookDelivery& delivery) const {
  DeliveryOutcome outcome;
  outcome.attempt = delivery.attempts_made + 1;
  outcome.attempted_at = deps_.clock.Now();
  outcome.first_attempt_at = delivery.first_attempt_at.value_or(outcome.attempted_at);

  env::HttpRequest request;
  request.method = "POST";
  request.url = delivery.url;
  request.headers = Headers(delivery, outcome.attempted_at);
  request.body = delivery.body;
  request.timeout = settings_.timeout;
  request.connect_timeout = std::min(settings_.connect_timeout, settings_.timeout);
  request.connect_guard = [guard = guard_](std::string_view ip) { return guard->Check(ip); };

  auto result = deps_.transport.Send(request);
  outcome.latency = duration_cast<milliseconds>(deps_.clock.Now() - outcome.attempted_at);
  Classify(result, outcome);
  spdlog::info("webhook {} {} to {}: attempt {} {} (status {}, {} ms){}", delivery.event,
               delivery.delivery_id, RedactUrl(delivery.url), outcome.attempt,
               DeliveryStateName(outcome.state), outcome.status.value_or(0),
               outcome.latency.count(), outcome.error.empty() ? "" : ": " + outcome.error);
  return outcome;
}

void WebhookDispatcher::Classify(const env::HttpResult& result, DeliveryOutcome& outcome) const {
  if (!result) {
    const auto& error = result.error();
    outcome.error = fmt::format("{}: {}", env::TransportErrorKindName(error.kind), error.message);
    outcome.failure_reason = std::string(env::TransportErrorKindName(error.kind));
    std::replace(outcome.failure_reason.begin(), outcome.failure_reason.end(), ' ', '_');
    if (error.kind == env::TransportErrorKind::kBlocked ||
        error.kind == env::TransportErrorKind::kInvalidRequest) {
      outcome.state = DeliveryState::kFailed;
      return;
    }
    ScheduleRetry(std::nullopt, outcome);
    return;
  }
  const int status = result->status;
  outcome.status = status;
  outcome.response_snippet = Snippet(result->body, settings_.snippet_bytes);
  if (status >= 200 && status <= 299) {
    outcome.state = DeliveryState::kDelivered;
    return;
  }
  outcome.failure_reason = status == 408 || status == 429 ? fmt::format("http_{}", status)
                           : status == 410                ? std::string("gone")
                                                          : fmt::format("http_{}xx", status / 100);
  if (status == 410) {
    outcome.state = DeliveryState::kDisabled;
    outcome.error = "the receiver answered 410 Gone: the webhook is disabled";
  } else if (IsRetryableStatus(status)) {
    outcome.error = fmt::format("the receiver answered {}", status);
    std::optional<milliseconds> retry_after;
    if (auto header = result->Header("Retry-After")) {
      retry_after = env::ParseRetryAfter(*header, deps_.clock.Now());
    }
    ScheduleRetry(retry_after, outcome);
  } else {
    outcome.state = DeliveryState::kFailed;
    outcome.error = status >= 300 && status <= 399
                        ? fmt::format(
                              "the receiver answered {} (redirects are not followed; "
                              "configure the final URL)",
                              status)
                        : fmt::format("the receiver answered {}; not retried", status);
  }
}

void WebhookDispatcher::ScheduleRetry(std::optional<milliseconds> retry_after,
                                      DeliveryOutcome& outcome) const {
  auto decision = DecideRetry(settings_.retry, outcome.attempt, outcome.first_attempt_at,
                              deps_.clock.Now(), retry_after, deps_.jitter());
  if (decision.next_attempt_at) {
    outcome.state = DeliveryState::kRetry;
    outcome.next_attempt_at = decision.next_attempt_at;
  } else {
    outcome.state = DeliveryState::kFailed;
    outcome.error += "; " + decision.give_up_reason;
  }
}

}  // namespace bulwark::jobs
