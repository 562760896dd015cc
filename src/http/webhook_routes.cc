// A scanner's webhook: its delivery log, redelivery and a test ping.
//   GET  /api/v1/projects/{id}/scanners/{sid}/webhook/deliveries            (viewer)
//   POST /api/v1/projects/{id}/scanners/{sid}/webhook/deliveries/{d}/redeliver   (member)
//   POST /api/v1/projects/{id}/scanners/{sid}/webhook/test                  (member)
// {d} is a delivery's numeric id or its delivery_id (UUID). The URL is shown only as
// scheme://host:port (paths and queries often carry tokens); the secret never leaves the server.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/request_json.h"
#include "http/routes.h"
#include "jobs/webhook_dispatcher.h"
#include "jobs/webhook_payload.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;
using nlohmann::json;

json OptTime(const std::optional<storage::Time>& t) { return t ? json(IsoTime(*t)) : json(); }

json AttemptJson(const storage::WebhookAttempt& a) {
  return {{"attempt", a.attempt},
          {"attempted_at", IsoTime(a.attempted_at)},
          {"status", a.status ? json(*a.status) : json()},
          {"latency_ms", a.latency_ms},
          {"response_snippet", a.response_snippet},
          {"error", a.error},
          {"outcome", a.outcome}};
}

core::Result<json> DeliveryJson(ApiContext& ctx, const storage::WebhookDeliveryRow& d) {
  auto attempts = ctx.store.WebhookDeliveries().Attempts(d.id);
  if (!attempts) return std::unexpected(attempts.error());
  json log = json::array();
  for (const auto& a : *attempts) log.push_back(AttemptJson(a));
  return json{{"id", d.id},
              {"delivery_id", d.delivery_id},
              {"event", d.event},
              {"target", jobs::RedactUrl(d.url)},
              {"signed", !d.sealed_secret.empty()},
              {"state", d.state},
              {"attempt_count", d.attempts},
              {"last_status", d.last_status ? json(*d.last_status) : json()},
              {"last_error", d.last_error},
              {"next_attempt_at", d.state == "pending" ? OptTime(d.next_attempt_at) : json()},
              {"first_attempt_at", OptTime(d.first_attempt_at)},
              {"created_at", IsoTime(d.created_at)},
              {"delivered_at", OptTime(d.delivered_at)},
              {"attempts", log}};
}

// The scanner {sid} of project {id}; kNotFound when either is absent or they do not match.
core::Result<storage::ScannerConfig> Scanner(ApiContext& ctx, const httplib::Request& req) {
  auto pid = PathId(req.matches[1], "project");
  if (!pid) return std::unexpected(pid.error());
  auto sid = PathId(req.matches[2], "scanner");
  if (!sid) return std::unexpected(sid.error());
  auto c = ctx.store.ScannerConfigs().Get(*sid);
  if ((c && c->project_id != *pid) || (!c && c.error().code == ErrorCode::kNotFound)) {
    return core::Fail(ErrorCode::kNotFound,
                      fmt::format("scanner {} not found in project {}", *sid, *pid));
  }
  return c;
}

// Delivery {d} of scanner `c`, by numeric id or by delivery_id.
core::Result<storage::WebhookDeliveryRow> Delivery(ApiContext& ctx, const storage::ScannerConfig& c,
                                                   const std::string& key) {
  auto not_found = core::Fail(
      ErrorCode::kNotFound, fmt::format("webhook delivery {} not found for scanner {}", key, c.id));
  if (key.find_first_not_of("0123456789") == std::string::npos) {
    auto id = PathId(key, "webhook delivery");
    if (!id) return std::unexpected(id.error());
    auto d = ctx.store.WebhookDeliveries().Get(*id);
    if (!d && d.error().code != ErrorCode::kNotFound) return d;
    if (!d || d->scanner_config_id != c.id) return not_found;
    return d;
  }
  for (storage::PageRequest page{500, ""};;) {
    auto listed = ctx.store.WebhookDeliveries().List({c.id, std::nullopt}, page);
    if (!listed) return std::unexpected(listed.error());
    for (const auto& d : listed->items) {
      if (d.delivery_id == key) return d;
    }
    if (listed->next_cursor.empty()) return not_found;
    page.cursor = listed->next_cursor;
  }
}

void HandleList(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto c = Scanner(ctx, req);
  if (!c) return WriteError(res, c.error());
  storage::PageRequest page{50, req.get_param_value("cursor")};
  if (req.has_param("limit")) {
    const std::string text = req.get_param_value("limit");
    const bool digits = !text.empty() && text.size() < 5 &&
                        text.find_first_not_of("0123456789") == std::string::npos;
    const int limit = digits ? std::stoi(text) : 0;
    if (limit < 1 || limit > 1000) {
      return WriteError(res, {ErrorCode::kInvalidArgument, "limit: must be between 1 and 1000"});
    }
    page.limit = limit;
  }
  auto listed = ctx.store.WebhookDeliveries().List({c->id, std::nullopt}, page);
  if (!listed) return WriteError(res, listed.error());
  json items = json::array();
  for (const auto& d : listed->items) {
    auto j = DeliveryJson(ctx, d);
    if (!j) return WriteError(res, j.error());
    items.push_back(std::move(*j));
  }
  WriteJson(res, 200,
            {{"deliveries", items},
             {"next_cursor", listed->next_cursor.empty() ? json() : json(listed->next_cursor)}});
}

void HandleRedeliver(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                     const Principal& who) {
  auto c = Scanner(ctx, req);
  if (!c) return WriteError(res, c.error());
  auto d = Delivery(ctx, *c, req.matches[3]);
  if (!d) return WriteError(res, d.error());
  if (d->state == "pending") {
    return WriteError(res, {ErrorCode::kConflict,
                            fmt::format("webhook delivery {} is still pending: it is attempted "
                                        "on its own; redeliver it once it is delivered or failed",
                                        d->delivery_id)});
  }
  auto st = AuditedChange(ctx, who, res, "webhook.redeliver",
                          [&](storage::Repositories& repos, storage::AuditEntry& e) {
                            e.target_type = "webhook_delivery";
                            e.target_id = std::to_string(d->id);
                            e.detail = fmt::format("scanner {} delivery {} event {}", c->id,
                                                   d->delivery_id, d->event);
                            return repos.WebhookDeliveries().Requeue(d->id, ctx.clock.Now());
                          });
  if (!st) return WriteError(res, st.error());
  auto requeued = ctx.store.WebhookDeliveries().Get(d->id);
  if (!requeued) return WriteError(res, requeued.error());
  auto j = DeliveryJson(ctx, *requeued);
  if (!j) return WriteError(res, j.error());
  WriteJson(res, 202, *j);
}

// One signed ping through the SSRF guard, sent now; nothing is queued or retried.
core::Result<json> SendPing(ApiContext& ctx, const storage::ScannerConfig& c) {
  if (!ctx.transport) {
    return core::Fail(ErrorCode::kUnavailable, "the server has no HTTP client for webhooks");
  }
  if (c.webhook_url.empty()) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("scanner {} has no webhook: set webhook.url first", c.id));
  }
  auto project = ctx.store.Projects().Get(c.project_id);
  if (!project) return std::unexpected(project.error());
  jobs::WebhookPayload payload;
  payload.event = jobs::WebhookEvent::kPing;
  payload.delivery_id = jobs::NewDeliveryId();
  payload.occurred_at = ctx.clock.Now();
  payload.project_id = std::to_string(project->id);
  payload.project_name = project->name;
  jobs::WebhookDelivery delivery;
  delivery.delivery_id = payload.delivery_id;
  delivery.event = std::string(jobs::WebhookEventName(payload.event));
  delivery.url = c.webhook_url;
  delivery.body = jobs::SerializeWebhookPayload(payload);
  if (!c.sealed_webhook_secret.empty()) {
    if (!ctx.secret_key) {
      return core::Fail(ErrorCode::kUnavailable, "the server has no secret key to sign with");
    }
    auto secret = env::Unseal(*ctx.secret_key, c.sealed_webhook_secret);
    if (!secret) {
      return core::Fail(ErrorCode::kInternal,
                        "the webhook secret cannot be unsealed with this server's key; enter it "
                        "again");
    }
    delivery.secret = std::move(*secret);
  }
  jobs::WebhookSettings settings;
  settings.ssrf = ctx.webhook_policy;
  auto dispatcher = jobs::WebhookDispatcher::Create({*ctx.transport, ctx.clock, {}}, settings);
  if (!dispatcher) return std::unexpected(dispatcher.error());
  const jobs::DeliveryOutcome out = (*dispatcher)->Deliver(delivery);
  const bool delivered = out.state == jobs::DeliveryState::kDelivered;
  return json{{"delivery_id", delivery.delivery_id},
              {"event", delivery.event},
              {"target", jobs::RedactUrl(delivery.url)},
              {"signed", !delivery.secret.empty()},
              {"delivered", delivered},
              {"outcome", delivered ? "delivered" : "failed"},
              {"retryable", out.state == jobs::DeliveryState::kRetry},
              {"status", out.status ? json(*out.status) : json()},
              {"latency_ms", out.latency.count()},
              {"response_snippet", out.response_snippet},
              {"error", out.error}};
}

void HandleTest(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                const Principal& who) {
  auto c = Scanner(ctx, req);
  if (!c) return WriteError(res, c.error());
  auto outcome = SendPing(ctx, *c);
  if (!outcome) return WriteError(res, outcome.error());
  auto st = AuditedChange(ctx, who, res, "webhook.test",
                          [&](storage::Repositories&, storage::AuditEntry& e) -> core::Status {
                            e.target_type = "scanner";
                            e.target_id = std::to_string(c->id);
                            e.detail =
                                fmt::format("ping {} {}", (*outcome)["target"].get<std::string>(),
                                            (*outcome)["outcome"].get<std::string>());
                            return core::Ok();
                          });
  if (!st) return WriteError(res, st.error());
  WriteJson(res, 200, *outcome);
}

}  // namespace

void RegisterWebhookRoutes(httplib::Server& svr, ApiContext& ctx) {
  using storage::Role;
  const std::string base = R"(/api/v1/projects/(\d+)/scanners/(\d+)/webhook)";
  svr.Get(base + "/deliveries",
          Authorized(ctx, Role::kViewer,
                     [&ctx](const httplib::Request& req, httplib::Response& res, const Principal&) {
                       HandleList(ctx, req, res);
                     }));
  svr.Post(base + R"(/deliveries/([0-9A-Za-z-]+)/redeliver)",
           Authorized(ctx, Role::kMember,
                      [&ctx](const httplib::Request& req, httplib::Response& res,
                             const Principal& who) { HandleRedeliver(ctx, req, res, who); }));
  svr.Post(base + "/test",
           Authorized(ctx, Role::kMember,
                      [&ctx](const httplib::Request& req, httplib::Response& res,
                             const Principal& who) { HandleTest(ctx, req, res, who); }));
}

}  // namespace bulwark::http
