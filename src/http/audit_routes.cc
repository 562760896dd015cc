#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "http/audit.h"
#include "http/errors.h"
#include "http/request_json.h"
#include "jobs/schedule.h"

namespace bulwark::http {

core::Status AuditedChange(
    ApiContext& ctx, const Principal& who, const httplib::Response& res, std::string action,
    const std::function<core::Status(storage::Repositories&, storage::AuditEntry&)>& change) {
  return ctx.store.WithTransaction([&](storage::Repositories& repos) -> core::Status {
    storage::AuditEntry entry;
    entry.at = ctx.clock.Now();
    entry.actor = who.Actor();
    entry.action = action;
    entry.request_id = res.get_header_value("X-Request-Id");
    if (auto st = change(repos, entry); !st) return st;
    auto appended = repos.Audit().Append(entry);
    if (!appended) return std::unexpected(appended.error());
    return core::Ok();
  });
}

namespace {

using nlohmann::json;

core::Result<std::optional<storage::Time>> TimeParam(const httplib::Request& req,
                                                     const std::string& name) {
  if (!req.has_param(name)) return std::optional<storage::Time>{};
  auto t = jobs::ParseUtc(req.get_param_value(name));
  if (!t) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      fmt::format("{}: expected 2006-01-02T15:04:05Z or 2006-01-02", name));
  }
  return std::optional<storage::Time>{*t};
}

void HandleList(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  storage::AuditFilter filter{req.get_param_value("actor"), req.get_param_value("action"),
                              req.get_param_value("target_type"), std::nullopt, std::nullopt};
  auto since = TimeParam(req, "since");
  if (!since) return WriteError(res, since.error());
  auto until = TimeParam(req, "until");
  if (!until) return WriteError(res, until.error());
  filter.since = *since;
  filter.until = *until;
  storage::PageRequest page{100, req.get_param_value("cursor")};
  if (req.has_param("limit")) {
    const std::string text = req.get_param_value("limit");
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), page.limit);
    if (ec != std::errc{} || end != text.data() + text.size()) page.limit = 0;
  }
  auto listed = ctx.store.Audit().List(filter, page);
  if (!listed) return WriteError(res, listed.error());
  json items = json::array();
  for (const auto& e : listed->items) {
    items.push_back({{"id", e.id},
                     {"at", IsoTime(e.at)},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"target_type", e.target_type},
                     {"target_id", e.target_id},
                     {"detail", e.detail},
                     {"request_id", e.request_id}});
  }
  WriteJson(
      res, 200,
      {{"entries", items},
       {"next_cursor", listed->next_cursor.empty() ? json(nullptr) : json(listed->next_cursor)}});
}

}  // namespace

void RegisterAuditRoutes(httplib::Server& svr, ApiContext& ctx) {
  svr.Get("/api/v1/audit", Authorized(ctx, storage::Role::kAdmin,
                                      [&ctx](const httplib::Request& req, httplib::Response& res,
                                             const Principal&) { HandleList(ctx, req, res); }));
}

}  // namespace bulwark::http
