// WebhookDispatcher: makes one delivery attempt of one webhook and says what happened and what
// to do next. It holds no queue and no state between calls: the durable job queue claims a
// delivery row, calls Deliver, and stores the outcome (state, next_attempt_at, status, snippet),
// so a restart or another process can carry on.
//
// Per attempt: POST the stored body with the headers of docs/webhooks.md, signed when the
// delivery has a secret; the SSRF guard runs at connect time on every resolved address; 10 s
// timeout. Classification: 2xx delivered; 410 disabled (the receiver asked to stop); 408, 429,
// 5xx and transport failures retried per the retry policy, honouring Retry-After; other statuses
// (3xx, 4xx) and SSRF refusals failed for good. Secrets, signatures and URL paths (which often
// carry tokens) are never logged. Thread-safe: one dispatcher serves all workers.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "env/backoff.h"
#include "env/clock.h"
#include "env/http_transport.h"
#include "jobs/retry_policy.h"
#include "jobs/ssrf_guard.h"

namespace bulwark::jobs {

// One row of the outbox, as the queue hands it over.
struct WebhookDelivery {
  std::string delivery_id{};  // X-Bulwark-Delivery; the same on every attempt
  std::string event{};        // X-Bulwark-Event, e.g. "scan.finished"
  std::string url{};
  std::string secret{};   // empty: unsigned
  std::string body{};     // SerializeWebhookPayload output, sent byte for byte
  int attempts_made = 0;  // before this attempt
  std::optional<env::TimePoint> first_attempt_at{};  // nullopt on the first attempt
};

enum class DeliveryState {
  kDelivered,  // 2xx: done
  kRetry,      // try again at next_attempt_at
  kFailed,     // permanent: a 4xx, a refused target, or the retry budget ran out
  kDisabled,   // 410 Gone: the receiver asked to stop; disable the webhook
};

std::string_view DeliveryStateName(DeliveryState state);  // "delivered", "retry", ...

struct DeliveryOutcome {
  DeliveryState state = DeliveryState::kFailed;
  int attempt = 0;  // 1-based number of this attempt
  env::TimePoint attempted_at{};
  env::TimePoint first_attempt_at{};
  std::optional<env::TimePoint> next_attempt_at{};  // set when state == kRetry
  std::optional<int> status{};                      // HTTP status when a response came back
  std::chrono::milliseconds latency{0};
  std::string response_snippet{};  // first bytes of the response body, printable
  std::string error{};             // why it did not succeed, for display; no secrets
  // Empty when delivered; else a short label for metrics: "timeout", "connection_refused",
  // "connection_dropped", "dns_failure", "tls_error", "blocked" (SSRF guard), "invalid_request",
  // "transport_error", "http_3xx", "http_4xx", "http_408", "http_429", "http_5xx", "gone",
  // "secret".
  std::string failure_reason{};
};

struct WebhookSettings {
  SsrfPolicy ssrf{};  // webhook_allow_private_networks / webhooks.allowed_networks
  std::chrono::milliseconds timeout{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
  env::RetryPolicy retry = WebhookRetryPolicy();
  std::string user_agent{};  // "Bulwark/<version>" when empty
  size_t snippet_bytes = 512;
};

class WebhookDispatcher {
 public:
  struct Deps {
    env::HttpTransport& transport;
    env::Clock& clock;
    env::JitterSource jitter;  // DefaultJitter() when empty
  };

  // Fails when the SSRF settings do not parse (the error names the setting).
  static core::Result<std::unique_ptr<WebhookDispatcher>> Create(Deps deps,
                                                                 WebhookSettings settings);

  DeliveryOutcome Deliver(const WebhookDelivery& delivery) const;

  // The headers an attempt at `now` carries (exposed for tests and the delivery log).
  env::HttpHeaders Headers(const WebhookDelivery& delivery, env::TimePoint now) const;

 private:
  WebhookDispatcher(Deps deps, WebhookSettings settings, SsrfGuard guard);
  void Classify(const env::HttpResult& result, DeliveryOutcome& outcome) const;
  void ScheduleRetry(std::optional<std::chrono::milliseconds> retry_after,
                     DeliveryOutcome& outcome) const;

  Deps deps_;
  WebhookSettings settings_;
  std::shared_ptr<const SsrfGuard> guard_;
};

// The default User-Agent: "Bulwark/<version>".
std::string WebhookUserAgent();

// Checks a webhook URL where it enters (settings form, API): http or https, a host, no spaces or
// credentials; an IP-literal host is also run through the SSRF rules of `policy` so the user
// hears at once (names resolve only at delivery time). Errors name the field "webhook.url".
core::Status ValidateWebhookUrl(std::string_view url, const SsrfPolicy& policy);

// "https://hooks.example.com:8443" from a full URL: safe to log and display.
std::string RedactUrl(std::string_view url);

}  // namespace bulwark::jobs
