// Scans: start (POST /projects/{id}/scans), read, list, cancel.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/auth.h"
#include "http/errors.h"
#include "http/routes.h"
#include "http/scan_json.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;
using nlohmann::json;

core::Error Bad(std::string message) { return {ErrorCode::kInvalidArgument, std::move(message)}; }

void WriteScan(ApiContext& ctx, httplib::Response& res, int status, const storage::Scan& scan) {
  auto project = ctx.store.Projects().Get(scan.project_id);
  WriteJson(res, status, ScanJson(scan, project ? project->name : ""));
}

// The scanner configuration a start request names: {scanner_id} or {tool, branch}.
core::Result<storage::ScannerConfig> PickConfig(ApiContext& ctx, std::int64_t project_id,
                                                const json& body) {
  if (body.contains("scanner_id")) {
    if (!body["scanner_id"].is_number_integer())
      return std::unexpected(Bad("scanner_id: must be an integer"));
    auto config = ctx.store.ScannerConfigs().Get(body["scanner_id"].get<std::int64_t>());
    if (!config || config->project_id != project_id) {
      return core::Fail(ErrorCode::kNotFound,
                        fmt::format("scanner_id: project {} has no scanner {}", project_id,
                                    body["scanner_id"].get<std::int64_t>()));
    }
    return config;
  }
  if (!body.contains("tool") || !body["tool"].is_string()) {
    return std::unexpected(Bad("body: give scanner_id, or tool and branch"));
  }
  const std::string tool = body["tool"];
  const std::string branch = body.value("branch", std::string());
  storage::ScannerConfigFilter filter;
  filter.project_id = project_id;
  filter.tool = tool;
  storage::PageRequest page{1000, ""};
  auto configs = ctx.store.ScannerConfigs().List(filter, page);
  if (!configs) return std::unexpected(configs.error());
  for (const auto& c : configs->items) {
    if (branch.empty() || c.branch == branch) return c;
  }
  return core::Fail(ErrorCode::kNotFound,
                    fmt::format("project {} has no {} scanner for branch '{}'; add one under "
                                "Project > Settings > Scanners",
                                project_id, tool, branch));
}

void StartScan(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto project_id = ParseId(req.matches[1]);
  auto project = project_id ? ctx.store.Projects().Get(*project_id)
                            : core::Result<storage::Project>(std::unexpected(
                                  core::Error{ErrorCode::kNotFound, "project not found"}));
  if (!project) return WriteError(res, project.error());
  json body = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (!body.is_object()) return WriteError(res, Bad("body: must be a JSON object"));
  auto config = PickConfig(ctx, project->id, body);
  if (!config) return WriteError(res, config.error());
  storage::Scan scan;
  scan.project_id = project->id;
  scan.scanner_config_id = config->id;
  scan.tool = config->tool;
  scan.method = body.value("method", std::string(body.contains("scanner_id") ? "bind" : "kdt"));
  if (scan.method != "bind" && scan.method != "kdt" && scan.method != "scheduled") {
    return WriteError(res, Bad("method: must be one of bind, kdt, scheduled"));
  }
  scan.branch = config->branch.empty() ? project->default_branch : config->branch;
  scan.environment = body.value("environment", config->environment);
  scan.meta_data = body.value("meta_data", config->meta_data);
  scan.scan_tag = body.value("scan_tag", config->scan_tag);
  scan.created_at = ctx.clock.Now();
  auto created = ctx.store.Scans().Create(scan);
  if (!created) return WriteError(res, created.error());
  if (ctx.wake_scan_workers) ctx.wake_scan_workers();
  WriteJson(res, 202, ScanJson(*created, project->name));
}

void ListScans(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto project_id = ParseId(req.matches[1]);
  if (!project_id) return WriteError(res, {ErrorCode::kNotFound, "project not found"});
  auto project = ctx.store.Projects().Get(*project_id);
  if (!project) return WriteError(res, project.error());
  storage::ScanFilter filter;
  filter.project_id = *project_id;
  if (req.has_param("state")) {
    auto state = storage::ParseScanState(req.get_param_value("state"));
    if (!state) return WriteError(res, state.error());
    filter.state = *state;
  }
  storage::PageRequest page{50, req.get_param_value("cursor")};
  if (req.has_param("limit")) {
    auto limit = ParseId(req.get_param_value("limit"));
    if (!limit || *limit > 1000) return WriteError(res, Bad("limit: must be between 1 and 1000"));
    page.limit = static_cast<int>(*limit);
  }
  auto scans = ctx.store.Scans().List(filter, page);
  if (!scans) return WriteError(res, scans.error());
  auto total = ctx.store.Scans().Count(filter);
  if (!total) return WriteError(res, total.error());
  json items = json::array();
  for (const auto& s : scans->items) items.push_back(ScanJson(s, project->name));
  WriteJson(res, 200,
            {{"scans", items},
             {"total", *total},
             {"next_cursor", scans->next_cursor.empty() ? json() : json(scans->next_cursor)}});
}

}  // namespace

void RegisterScanRoutes(httplib::Server& svr, ApiContext& ctx) {
  using storage::Role;
  svr.Post(R"(/api/v1/projects/(\d+)/scans)",
           Authorized(ctx, Role::kMember,
                      [&ctx](const httplib::Request& req, httplib::Response& res,
                             const Principal&) { StartScan(ctx, req, res); }));
  svr.Get(R"(/api/v1/projects/(\d+)/scans)",
          Authorized(ctx, Role::kViewer,
                     [&ctx](const httplib::Request& req, httplib::Response& res, const Principal&) {
                       ListScans(ctx, req, res);
                     }));
  svr.Get(R"(/api/v1/scans/(\d+))",
          Authorized(ctx, Role::kViewer,
                     [&ctx](const httplib::Request& req, httplib::Response& res, const Principal&) {
                       auto id = ParseId(req.matches[1]);
                       auto scan = ctx.store.Scans().Get(id.value_or(0));
                       if (!scan) return WriteError(res, scan.error());
                       WriteScan(ctx, res, 200, *scan);
                     }));
  svr.Post(
      R"(/api/v1/scans/(\d+)/cancel)",
      Authorized(ctx, Role::kMember,
                 [&ctx](const httplib::Request& req, httplib::Response& res, const Principal&) {
                   auto id = ParseId(req.matches[1]);
                   auto scan = ctx.store.Scans().RequestCancel(id.value_or(0), ctx.clock.Now());
                   if (!scan) return WriteError(res, scan.error());
                   if (ctx.wake_scan_workers) ctx.wake_scan_workers();
                   WriteScan(ctx, res, 202, *scan);
                 }));
}

}  // namespace bulwark::http
