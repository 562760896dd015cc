// Findings of a project: the keyset-paged list, one finding with its history, triage (PATCH),
// and the project summary.
#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "http/auth.h"
#include "http/errors.h"
#include "http/json_writer.h"
#include "http/routes.h"
#include "http/scan_json.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;
using nlohmann::json;

core::Error Bad(std::string message) { return {ErrorCode::kInvalidArgument, std::move(message)}; }

core::Result<storage::FindingFilter> ReadFilter(const httplib::Request& req,
                                                std::int64_t project_id) {
  storage::FindingFilter f;
  f.project_id = project_id;
  if (req.has_param("branch")) f.branch = req.get_param_value("branch");
  if (req.has_param("tool")) f.tool = req.get_param_value("tool");
  if (req.has_param("severity")) {
    std::string list = req.get_param_value("severity");
    size_t start = 0;
    while (start <= list.size()) {
      size_t comma = list.find(',', start);
      std::string name = list.substr(start, comma == std::string::npos ? comma : comma - start);
      auto sev = domain::ParseSeverity(name);
      if (domain::SeverityName(sev) != name) {
        return std::unexpected(Bad(
            fmt::format("severity: '{}' is not one of critical, high, medium, low, info", name)));
      }
      f.severities.push_back(sev);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (req.has_param("state")) {
    auto status = domain::ParseFindingStatus(req.get_param_value("state"));
    if (!status) return std::unexpected(status.error());
    f.status = *status;
  }
  if (req.has_param("kind")) {
    const std::string kind = req.get_param_value("kind");
    if (kind == "vulnerability")
      f.kind = domain::FindingKind::kVulnerability;
    else if (kind == "license")
      f.kind = domain::FindingKind::kLicense;
    else if (kind == "violation")
      f.kind = domain::FindingKind::kViolation;
    else
      return std::unexpected(Bad("kind: must be vulnerability, license or violation"));
  }
  f.q = req.get_param_value("q");
  auto sort =
      storage::ParseFindingSort(req.has_param("sort") ? req.get_param_value("sort") : "-severity");
  if (!sort) return std::unexpected(sort.error());
  f.sort = *sort;
  return f;
}

void ListFindings(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto project = ctx.store.Projects().Get(ParseId(req.matches[1]).value_or(0));
  if (!project) return WriteError(res, project.error());
  auto filter = ReadFilter(req, project->id);
  if (!filter) return WriteError(res, filter.error());
  storage::PageRequest page{100, req.get_param_value("cursor")};
  if (req.has_param("limit")) {
    auto limit = ParseId(req.get_param_value("limit"));
    if (!limit || *limit > 1000) return WriteError(res, Bad("limit: must be between 1 and 1000"));
    page.limit = static_cast<int>(*limit);
  }
  auto found = ctx.store.Findings().List(*filter, page, ctx.clock.Now());
  if (!found) return WriteError(res, found.error());
  auto total = ctx.store.Findings().Count(*filter);
  if (!total) return WriteError(res, total.error());
  // Written as text: a page is up to 1,000 findings, and building it as a document first cost
  // more than the query.
  std::string body;
  body.reserve(found->items.size() * 1024 + 64);
  JsonWriter w(body);
  w.BeginObject().Key("findings").BeginArray();
  for (const auto& f : found->items) {
    w.Raw("");  // the separator; the finding's text follows
    AppendFindingJson(body, f);
  }
  w.EndArray().Key("next_cursor");
  if (found->next_cursor.empty()) {
    w.Null();
  } else {
    w.String(found->next_cursor);
  }
  w.Key("total").Int(*total).EndObject();
  res.status = 200;
  res.set_content(body, "application/json");
}

void GetFinding(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto f = ctx.store.Findings().Get(ParseId(req.matches[1]).value_or(0), ctx.clock.Now());
  if (!f) return WriteError(res, f.error());
  auto history = ctx.store.Findings().History(f->id);
  if (!history) return WriteError(res, history.error());
  json body = FindingJson(*f);
  json h = json::array();
  for (const auto& e : *history) {
    h.push_back({{"at", Rfc3339(e.at)},
                 {"action", e.change},
                 {"scan_id", e.scan_id ? json(*e.scan_id) : json()},
                 {"detail", e.detail}});
  }
  body["history"] = h;
  WriteJson(res, 200, body);
}

void Triage(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
            const Principal& who) {
  auto f = ctx.store.Findings().Get(ParseId(req.matches[1]).value_or(0), ctx.clock.Now());
  if (!f) return WriteError(res, f.error());
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("state") || !body["state"].is_string()) {
    return WriteError(res, Bad("state: required, one of open, false_positive, risk_accepted, "
                               "not_affected"));
  }
  const std::string state = body["state"];
  const auto now = ctx.clock.Now();
  if (state == "open") {
    auto cleared = ctx.store.Findings().ClearTriage(f->project_id, f->vulnerability_key,
                                                    f->finding.component.name, now);
    if (!cleared) return WriteError(res, cleared.error());
  } else {
    auto parsed = domain::ParseTriageState(state);
    if (!parsed) return WriteError(res, parsed.error());
    storage::Triage t;
    t.project_id = f->project_id;
    t.vulnerability_key = f->vulnerability_key;
    t.component_name = f->finding.component.name;
    t.state = *parsed;
    t.reason = body.value("reason", std::string());
    t.decided_by = who.username.empty() ? who.token_name : who.username;
    t.decided_at = now;
    if (body.contains("expires_at") && !body["expires_at"].is_null()) {
      std::tm tm{};
      const std::string text =
          body["expires_at"].is_string() ? body["expires_at"].get<std::string>() : "";
      if (!strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) &&
          !strptime(text.c_str(), "%Y-%m-%d", &tm)) {
        return WriteError(res, Bad("expires_at: must be an RFC 3339 time or a date"));
      }
      t.expires_at = std::chrono::system_clock::from_time_t(timegm(&tm));
    }
    auto stored = ctx.store.Findings().SetTriage(t);
    if (!stored) return WriteError(res, stored.error());
  }
  GetFinding(ctx, req, res);
}

void Summary(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto project = ctx.store.Projects().Get(ParseId(req.matches[1]).value_or(0));
  if (!project) return WriteError(res, project.error());
  const std::string branch = req.get_param_value("branch");
  auto open = ctx.store.Findings().OpenUntriaged(project->id, branch, "", ctx.clock.Now());
  if (!open) return WriteError(res, open.error());
  json by_state = json::object();
  for (auto s : {domain::FindingStatus::kNew, domain::FindingStatus::kOpen,
                 domain::FindingStatus::kReopened, domain::FindingStatus::kFixed}) {
    storage::FindingFilter f;
    f.project_id = project->id;
    if (!branch.empty()) f.branch = branch;
    f.status = s;
    auto n = ctx.store.Findings().Count(f);
    if (!n) return WriteError(res, n.error());
    by_state[std::string(domain::FindingStatusName(s))] = *n;
  }
  storage::ScanFilter sf;
  sf.project_id = project->id;
  sf.state = storage::ScanState::kFinished;
  auto scans = ctx.store.Scans().List(sf, {1000, ""});
  if (!scans) return WriteError(res, scans.error());
  json trend = json::array();
  for (const auto& s : scans->items) {
    if (!branch.empty() && s.branch != branch) continue;
    trend.push_back({{"scan_id", s.id},
                     {"at", OptTime(s.finished_at)},
                     {"risk_score", s.risk_score},
                     {"summary", CountsJson(s.summary)}});
  }
  WriteJson(res, 200,
            {{"by_severity", CountsJson(*open)},
             {"by_state", by_state},
             {"risk_score", domain::RiskScore(*open)},
             {"trend", trend}});
}

}  // namespace

void RegisterFindingRoutes(httplib::Server& svr, ApiContext& ctx) {
  using storage::Role;
  auto viewer = [&ctx](void (*fn)(ApiContext&, const httplib::Request&, httplib::Response&)) {
    return Authorized(ctx, Role::kViewer,
                      [&ctx, fn](const httplib::Request& req, httplib::Response& res,
                                 const Principal&) { fn(ctx, req, res); });
  };
  svr.Get(R"(/api/v1/projects/(\d+)/findings)", viewer(ListFindings));
  svr.Get(R"(/api/v1/projects/(\d+)/summary)", viewer(Summary));
  svr.Get(R"(/api/v1/findings/(\d+))", viewer(GetFinding));
  svr.Patch(R"(/api/v1/findings/(\d+))",
            Authorized(ctx, Role::kMember,
                       [&ctx](const httplib::Request& req, httplib::Response& res,
                              const Principal& who) { Triage(ctx, req, res, who); }));
}

}  // namespace bulwark::http
