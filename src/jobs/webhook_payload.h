// The body of a webhook: plain values filled in by whoever announces a scan's end (the outbox
// writer), serialised once to the exact bytes that are stored, signed and sent. The shape is
// documented in docs/webhooks.md; fields are only ever added, never renamed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "env/clock.h"

namespace bulwark::jobs {

enum class WebhookEvent { kScanFinished, kScanFailed, kPing };

// "scan.finished", "scan.failed", "ping" (the test ping sent from the settings screen).
std::string_view WebhookEventName(WebhookEvent event);

struct WebhookSummary {
  int critical = 0;
  int high = 0;
  int medium = 0;
  int low = 0;
  int info = 0;
};

struct WebhookScan {
  std::string id{};
  std::string tool{};    // "jfrogxraysca"
  std::string method{};  // kdt, import, ui-import, bind, scheduled
  std::string branch{};
  std::string environment{};
  std::string meta_data{};
  std::string scan_tag{};
  std::string state{};  // finished, failed, canceled
  std::optional<env::TimePoint> started_at{};
  std::optional<env::TimePoint> finished_at{};
  WebhookSummary summary{};
  double risk_score = 0;
  int new_findings = 0;
  int fixed_findings = 0;
  std::string html_link{};  // the scan in the web UI
  std::string api_link{};   // the scan in the REST API
};

struct WebhookError {
  std::string code{};  // core::ErrorCodeName of the failure, e.g. "unavailable"
  std::string message{};
};

struct WebhookPayload {
  WebhookEvent event = WebhookEvent::kScanFinished;
  std::string delivery_id{};  // NewDeliveryId(); also sent as X-Bulwark-Delivery
  env::TimePoint occurred_at{};
  std::string project_id{};
  std::string project_name{};
  std::optional<WebhookScan> scan{};    // absent only for ping
  std::optional<WebhookError> error{};  // scan.failed only
};

// Compact JSON, times as "2006-01-02T15:04:05Z", `error` omitted when absent.
std::string SerializeWebhookPayload(const WebhookPayload& payload);

// A random UUID v4, e.g. "3b241101-e2bb-4255-8caf-4136c566a962".
std::string NewDeliveryId();

}  // namespace bulwark::jobs
