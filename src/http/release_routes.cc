// Release criteria: GET/PUT /api/v1/projects/{id}/policy and GET /api/v1/projects/{id}/release.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/audit.h"
#include "http/errors.h"
#include "http/release.h"
#include "http/request_json.h"
#include "http/routes.h"

namespace bulwark::http {

core::Result<ReleaseReport> ComputeRelease(ApiContext& ctx, const storage::Project& project,
                                           std::string branch) {
  if (branch.empty()) branch = project.default_branch;
  auto policy = ctx.store.Projects().GetPolicy(project.id);
  if (!policy) return std::unexpected(policy.error());
  auto counts = ctx.store.Findings().OpenUntriaged(project.id, branch, "", ctx.clock.Now());
  if (!counts) return std::unexpected(counts.error());
  storage::ScanFilter filter;
  filter.project_id = project.id;
  filter.branch = branch;
  filter.state = storage::ScanState::kFinished;
  filter.newest_first = true;
  auto latest = ctx.store.Scans().List(filter, {1, ""});
  if (!latest) return std::unexpected(latest.error());
  ReleaseReport report;
  report.branch = branch;
  report.counts = *counts;
  report.verdict = domain::EvaluateRelease(*policy, *counts);
  if (!latest->items.empty()) report.scan_id = latest->items.front().id;
  return report;
}

namespace {

using core::ErrorCode;
using nlohmann::json;

constexpr const char* kPolicyFields[] = {"max_critical", "max_high", "max_medium", "max_low"};

json PolicyJson(const storage::ReleasePolicy& p) {
  auto opt = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(); };
  return {{"max_critical", opt(p.max_critical)},
          {"max_high", opt(p.max_high)},
          {"max_medium", opt(p.max_medium)},
          {"max_low", opt(p.max_low)}};
}

// Every field is a non-negative integer or null (no limit); an absent field is null.
core::Result<storage::ReleasePolicy> ReadPolicy(const json& body) {
  for (const auto& [name, value] : body.items()) {
    if (std::find(std::begin(kPolicyFields), std::end(kPolicyFields), name) ==
        std::end(kPolicyFields)) {
      return core::Fail(ErrorCode::kInvalidArgument,
                        fmt::format("policy.{}: unknown field; use max_critical, max_high, "
                                    "max_medium, max_low",
                                    name));
    }
  }
  storage::ReleasePolicy policy;
  std::optional<std::int64_t>* slots[] = {&policy.max_critical, &policy.max_high,
                                          &policy.max_medium, &policy.max_low};
  for (size_t i = 0; i < 4; ++i) {
    if (!body.contains(kPolicyFields[i]) || body[kPolicyFields[i]].is_null()) continue;
    const json& v = body[kPolicyFields[i]];
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
      return core::Fail(ErrorCode::kInvalidArgument,
                        fmt::format("policy.{}: must be a non-negative integer or null (no limit)",
                                    kPolicyFields[i]));
    }
    *slots[i] = v.get<std::int64_t>();
  }
  return policy;
}

core::Result<storage::Project> Lookup(ApiContext& ctx, const httplib::Request& req) {
  auto id = PathId(req.matches[1], "project");
  if (!id) return std::unexpected(id.error());
  return ctx.store.Projects().Get(*id);
}

void GetPolicy(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto project = Lookup(ctx, req);
  if (!project) return WriteError(res, project.error());
  auto policy = ctx.store.Projects().GetPolicy(project->id);
  if (!policy) return WriteError(res, policy.error());
  WriteJson(res, 200, PolicyJson(*policy));
}

void PutPolicy(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
               const Principal& who) {
  auto project = Lookup(ctx, req);
  if (!project) return WriteError(res, project.error());
  auto body = ParseJsonObject(req);
  if (!body) return WriteError(res, body.error());
  auto policy = ReadPolicy(*body);
  if (!policy) return WriteError(res, policy.error());
  auto st =
      AuditedChange(ctx, who, res, "project.policy.update",
                    [&](storage::Repositories& repos, storage::AuditEntry& e) {
                      e.target_type = "project";
                      e.target_id = std::to_string(project->id);
                      e.detail = PolicyJson(*policy).dump();
                      return repos.Projects().SetPolicy(project->id, *policy, ctx.clock.Now());
                    });
  if (!st) return WriteError(res, st.error());
  WriteJson(res, 200, PolicyJson(*policy));
}

void GetRelease(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto project = Lookup(ctx, req);
  if (!project) return WriteError(res, project.error());
  auto report = ComputeRelease(ctx, *project, req.get_param_value("branch"));
  if (!report) return WriteError(res, report.error());
  json violations = json::array();
  for (const auto& v : report->verdict.violations) {
    violations.push_back(
        {{"severity", domain::SeverityName(v.severity)}, {"count", v.count}, {"max", v.max}});
  }
  WriteJson(res, 200,
            {{"branch", report->branch},
             {"status", domain::ReleaseStatusName(report->verdict.status)},
             {"counts",
              {{"critical", report->counts.critical},
               {"high", report->counts.high},
               {"medium", report->counts.medium},
               {"low", report->counts.low}}},
             {"violations", violations},
             {"scan_id", report->scan_id ? json(*report->scan_id) : json()}});
}

}  // namespace

void RegisterReleaseRoutes(httplib::Server& svr, ApiContext& ctx) {
  using storage::Role;
  auto viewer = [&ctx](void (*fn)(ApiContext&, const httplib::Request&, httplib::Response&)) {
    return Authorized(ctx, Role::kViewer,
                      [&ctx, fn](const httplib::Request& req, httplib::Response& res,
                                 const Principal&) { fn(ctx, req, res); });
  };
  svr.Get(R"(/api/v1/projects/(\d+)/policy)", viewer(GetPolicy));
  svr.Put(R"(/api/v1/projects/(\d+)/policy)",
          Authorized(ctx, Role::kMember,
                     [&ctx](const httplib::Request& req, httplib::Response& res,
                            const Principal& who) { PutPolicy(ctx, req, res, who); }));
  svr.Get(R"(/api/v1/projects/(\d+)/release)", viewer(GetRelease));
}

}  // namespace bulwark::http
