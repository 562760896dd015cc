#include "jobs/webhook_worker.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "jobs/webhook_payload.h"

namespace bulwark::jobs {
namespace {

// The body of a scan's announcement, built from the scan row when the event is fanned out. The
// event kind decides the state: the outbox row is written before the scan's final transition.
WebhookPayload BuildPayload(const storage::Event& event, const storage::Scan& scan,
                            const storage::Project& project, const std::string& public_url) {
  WebhookPayload p;
  const bool failed = event.kind == "scan.failed";
  p.event = failed ? WebhookEvent::kScanFailed : WebhookEvent::kScanFinished;
  p.occurred_at = event.created_at;
  p.project_id = std::to_string(project.id);
  p.project_name = project.name;
  WebhookScan s;
  s.id = std::to_string(scan.id);
  s.tool = scan.tool;
  s.method = scan.method;
  s.branch = scan.branch;
  s.environment = scan.environment;
  s.meta_data = scan.meta_data;
  s.scan_tag = scan.scan_tag;
  s.state = failed ? "failed" : "finished";
  s.started_at = scan.started_at;
  s.finished_at = scan.finished_at.value_or(event.created_at);
  s.summary = {scan.summary.critical, scan.summary.high, scan.summary.medium, scan.summary.low,
               scan.summary.info};
  s.risk_score = scan.risk_score;
  s.new_findings = scan.new_findings;
  s.fixed_findings = scan.fixed_findings;
  s.html_link = fmt::format("{}/projects/{}/scans/{}", public_url, project.id, scan.id);
  s.api_link = fmt::format("{}/api/v1/scans/{}", public_url, scan.id);
  p.scan = std::move(s);
  if (failed) p.error = WebhookError{"failed", scan.error.value_or("the scan failed")};
  return p;
}

// The scanner configuration whose webhook a scan announces to: the one it ran for, or for an
// import (which names none) the project's configuration of the same tool and branch.
std::optional<storage::ScannerConfig> ConfigOf(storage::Repositories& r,
                                               const storage::Scan& scan) {
  if (scan.scanner_config_id) {
    auto config = r.ScannerConfigs().Get(*scan.scanner_config_id);
    if (config) return *config;
    return std::nullopt;
  }
  storage::ScannerConfigFilter filter;
  filter.project_id = scan.project_id;
  filter.tool = scan.tool;
  filter.branch = scan.branch;
  auto listed = r.ScannerConfigs().List(filter, {1, ""});
  if (!listed || listed->items.empty()) return std::nullopt;
  return listed->items.front();
}

std::string_view RowState(DeliveryState state) {
  switch (state) {
    case DeliveryState::kDelivered:
      return "delivered";
    case DeliveryState::kRetry:
      return "pending";
    default:
      return "failed";
  }
}

}  // namespace

WebhookWorker::WebhookWorker(WebhookWorkerDeps deps, WebhookWorkerOptions options)
    : deps_(deps), options_(std::move(options)) {}

WebhookWorker::~WebhookWorker() { Stop(); }

void WebhookWorker::Start() {
  std::lock_guard lock(mu_);
  stopping_ = false;
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { Loop(); });
}

void WebhookWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void WebhookWorker::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wakeups_;
  }
  wake_.notify_all();
}

void WebhookWorker::Loop() {
  while (true) {
    std::uint64_t seen = 0;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      seen = wakeups_;
    }
    auto fanned = FanOut();
    if (!fanned) spdlog::warn("webhook outbox: {}", fanned.error().message);
    auto delivered = DeliverOne();
    if (!delivered) spdlog::warn("webhook queue: {}", delivered.error().message);
    if (delivered && *delivered) continue;  // there may be more
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, options_.poll, [&] { return stopping_ || wakeups_ != seen; });
  }
}

core::Result<int> WebhookWorker::FanOut() {
  auto pending = deps_.store.Events().Pending(50);
  if (!pending) return std::unexpected(pending.error());
  int inserted = 0;
  for (const storage::Event& event : *pending) {
    int added = 0;
    if (auto s = FanOutEvent(event, added); !s) return std::unexpected(s.error());
    inserted += added;
  }
  return inserted;
}

core::Status WebhookWorker::FanOutEvent(const storage::Event& event, int& inserted) {
  auto done = deps_.store.WithTransaction([&](storage::Repositories& r) -> core::Status {
    const auto now = deps_.clock.Now();
    if (event.kind != "scan.finished" && event.kind != "scan.failed") {
      return r.Events().MarkPublished(event.id, now);  // nothing subscribes to it
    }
    auto scan = r.Scans().Get(event.aggregate_id);
    if (!scan) return std::unexpected(scan.error());
    auto project = r.Projects().Get(scan->project_id);
    if (!project) return std::unexpected(project.error());
    struct Target {
      std::optional<std::int64_t> config_id;
      std::string url;
      std::string sealed_secret;
    };
    std::vector<Target> targets;
    auto config = ConfigOf(r, *scan);
    if (config && !config->webhook_url.empty()) {
      targets.push_back({config->id, config->webhook_url, config->sealed_webhook_secret});
    }
    if (!options_.global_url.empty()) {
      targets.push_back({std::nullopt, options_.global_url,
                         options_.global_secret.empty()
                             ? std::string()
                             : env::Seal(deps_.secret_key, options_.global_secret)});
    }
    for (const Target& target : targets) {
      WebhookPayload payload = BuildPayload(event, *scan, *project, options_.public_url);
      payload.delivery_id = NewDeliveryId();
      storage::WebhookDeliveryRow row;
      row.event_id = event.id;
      row.scanner_config_id = target.config_id;
      row.delivery_id = payload.delivery_id;
      row.event = event.kind;
      row.url = target.url;
      row.sealed_secret = target.sealed_secret;
      row.body = SerializeWebhookPayload(payload);
      row.created_at = now;
      auto added = r.WebhookDeliveries().Enqueue(row);
      if (!added) return std::unexpected(added.error());
      if (*added) ++inserted;
    }
    return r.Events().MarkPublished(event.id, now);
  });
  if (!done) inserted = 0;  // rolled back
  return done;
}

core::Result<bool> WebhookWorker::DeliverOne() {
  const auto now = deps_.clock.Now();
  auto claimed =
      deps_.store.WebhookDeliveries().ClaimDue(options_.owner, now, now + options_.lease);
  if (!claimed) return std::unexpected(claimed.error());
  if (!*claimed) return false;
  const storage::WebhookDeliveryRow row = **claimed;
  WebhookDelivery delivery{row.delivery_id, row.event,           row.url, {}, row.body,
                           row.attempts,    row.first_attempt_at};
  DeliveryOutcome outcome;
  if (!row.sealed_secret.empty()) {
    auto secret = env::Unseal(deps_.secret_key, row.sealed_secret);
    if (secret) delivery.secret = *secret;
    if (!secret) {
      outcome.state = DeliveryState::kFailed;
      outcome.attempt = row.attempts + 1;
      outcome.attempted_at = now;
      outcome.first_attempt_at = row.first_attempt_at.value_or(now);
      outcome.error = "the webhook secret cannot be unsealed with this server's key";
      outcome.failure_reason = "secret";
    }
  }
  if (outcome.error.empty()) outcome = deps_.dispatcher.Deliver(delivery);
  storage::WebhookAttempt attempt{row.id,
                                  outcome.attempt,
                                  outcome.attempted_at,
                                  outcome.status,
                                  outcome.latency.count(),
                                  outcome.response_snippet,
                                  outcome.error,
                                  std::string(DeliveryStateName(outcome.state))};
  storage::DeliveryUpdate update{std::string(RowState(outcome.state)), outcome.next_attempt_at,
                                 outcome.first_attempt_at};
  auto recorded = deps_.store.WithTransaction([&](storage::Repositories& r) {
    return r.WebhookDeliveries().RecordAttempt(row.id, options_.owner, attempt, update);
  });
  if (!recorded) return std::unexpected(recorded.error());
  deps_.metrics.ObserveJob("webhook", DeliveryStateName(outcome.state),
                           std::chrono::duration<double>(outcome.latency).count());
  if (outcome.state != DeliveryState::kDelivered) {
    deps_.metrics.CountDeliveryFailure(outcome.failure_reason.empty() ? "other"
                                                                      : outcome.failure_reason);
  }
  switch (outcome.state) {
    case DeliveryState::kDelivered:
      ++stats_.delivered;
      break;
    case DeliveryState::kRetry:
      ++stats_.retried;
      break;
    default:
      ++stats_.failed;
  }
  spdlog::info("webhook delivery={} event={} target={} attempt={} outcome={}{}", row.delivery_id,
               row.event, RedactUrl(row.url), outcome.attempt, DeliveryStateName(outcome.state),
               outcome.status ? fmt::format(" status={}", *outcome.status) : std::string());
  return true;
}

}  // namespace bulwark::jobs
