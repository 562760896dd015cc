// Finding diffs: GET /api/v1/scans/{id}/diff?against=previous|<scan id>&limit= and
// GET /api/v1/projects/{id}/diff?from=<branch>&to=<branch>&limit=.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/auth.h"
#include "http/errors.h"
#include "http/request_json.h"
#include "http/routes.h"
#include "http/scan_json.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;
using nlohmann::json;

core::Result<int> ReadLimit(const httplib::Request& req) {
  if (!req.has_param("limit")) return 100;
  auto limit = ParseId(req.get_param_value("limit"));
  if (!limit || *limit > 1000) {
    return core::Fail(ErrorCode::kInvalidArgument, "limit: must be between 1 and 1000");
  }
  return static_cast<int>(*limit);
}

// counts, new, fixed and unchanged of a diff, added to `body`.
void AddDiff(json& body, const storage::FindingDiff& d) {
  body["counts"] = {
      {"new", d.new_count}, {"fixed", d.fixed_count}, {"unchanged", d.unchanged_count}};
  for (auto [name, list] : {std::pair{"new", &d.added}, std::pair{"fixed", &d.fixed},
                            std::pair{"unchanged", &d.unchanged}}) {
    json items = json::array();
    for (const auto& f : *list) items.push_back(FindingJson(f));
    body[name] = std::move(items);
  }
}

void ScanDiff(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto id = PathId(req.matches[1], "scan");
  if (!id) return WriteError(res, id.error());
  storage::ScanDiffRequest request;
  request.scan_id = *id;
  const std::string against = req.get_param_value("against");
  if (!against.empty() && against != "previous") {
    auto other = ParseId(against);
    if (!other) {
      return WriteError(
          res, {ErrorCode::kInvalidArgument,
                fmt::format("against: '{}' is neither 'previous' nor a scan id", against)});
    }
    request.against_scan_id = *other;
  }
  auto limit = ReadLimit(req);
  if (!limit) return WriteError(res, limit.error());
  request.limit = *limit;
  auto diff = ctx.store.Findings().DiffScan(request, ctx.clock.Now());
  if (!diff) return WriteError(res, diff.error());
  json body = {{"scan", {{"id", *id}}},
               {"against", diff->against_scan_id ? json{{"id", *diff->against_scan_id}} : json()}};
  AddDiff(body, *diff);
  WriteJson(res, 200, body);
}

void BranchDiff(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto id = PathId(req.matches[1], "project");
  if (!id) return WriteError(res, id.error());
  auto project = ctx.store.Projects().Get(*id);
  if (!project) return WriteError(res, project.error());
  storage::BranchDiffRequest request;
  request.project_id = project->id;
  request.from = req.get_param_value("from");
  request.to = req.get_param_value("to");
  for (auto [name, value] : {std::pair{"from", &request.from}, std::pair{"to", &request.to}}) {
    if (value->empty()) {
      return WriteError(res, {ErrorCode::kInvalidArgument,
                              fmt::format("{}: required; name a branch of project {}, e.g. {}={}",
                                          name, project->id, name, project->default_branch)});
    }
  }
  auto limit = ReadLimit(req);
  if (!limit) return WriteError(res, limit.error());
  request.limit = *limit;
  auto diff = ctx.store.Findings().DiffBranches(request, ctx.clock.Now());
  if (!diff) return WriteError(res, diff.error());
  json body = {{"from", request.from}, {"to", request.to}};
  AddDiff(body, *diff);
  WriteJson(res, 200, body);
}

}  // namespace

void RegisterDiffRoutes(httplib::Server& svr, ApiContext& ctx) {
  using storage::Role;
  auto viewer = [&ctx](void (*fn)(ApiContext&, const httplib::Request&, httplib::Response&)) {
    return Authorized(ctx, Role::kViewer,
                      [&ctx, fn](const httplib::Request& req, httplib::Response& res,
                                 const Principal&) { fn(ctx, req, res); });
  };
  svr.Get(R"(/api/v1/scans/(\d+)/diff)", viewer(ScanDiff));
  svr.Get(R"(/api/v1/projects/(\d+)/diff)", viewer(BranchDiff));
}

}  // namespace bulwark::http
