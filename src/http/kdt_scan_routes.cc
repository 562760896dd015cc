// The kdt-compatible API, part 2: starting, restarting and importing scans, their events, their
// details and the gates kdt applies afterwards (last_results, release). Scans are stored as
// durable jobs (storage::ScanRepository); the scan runner executes them.
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "http/errors.h"
#include "http/kdt_support.h"
#include "http/release.h"
#include "http/routes.h"
#include "http/upload.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;
using nlohmann::json;
using storage::Role;
namespace k = kdt;
namespace fs = std::filesystem;

core::Result<storage::Scan> GetScan(ApiContext& ctx, const std::string& id_text) {
  auto id = k::ParseId(id_text, "scan id");
  if (!id) return std::unexpected(id.error());
  auto scan = ctx.store.Scans().Get(*id);
  if (!scan && scan.error().code == ErrorCode::kNotFound) {
    return core::Fail(ErrorCode::kNotFound, fmt::format("scan '{}' not found", id_text));
  }
  return scan;
}

storage::Scan ScanFromConfig(const storage::ScannerConfig& config, storage::Time now) {
  storage::Scan scan;
  scan.project_id = config.project_id;
  scan.scanner_config_id = config.id;
  scan.tool = config.tool;
  scan.method = "kdt";
  scan.branch = config.branch;
  scan.environment = config.environment;
  scan.meta_data = config.meta_data;
  scan.scan_tag = config.scan_tag;
  scan.created_at = now;
  return scan;
}

// The scanner configuration a `scans/create` body names: scanparams_id, or project + branch.
core::Result<storage::ScannerConfig> ConfigForCreate(ApiContext& ctx, const json& body) {
  const std::string params_id = body.value("scanparams_id", "");
  if (!params_id.empty()) {
    auto id = k::ParseId(params_id, "scanparams_id");
    if (!id) return std::unexpected(id.error());
    auto config = ctx.store.ScannerConfigs().Get(*id);
    if (!config && config.error().code == ErrorCode::kNotFound) {
      return core::Fail(ErrorCode::kNotFound, fmt::format("scanparams '{}' not found", params_id));
    }
    return config;
  }
  auto project = k::ResolveProject(ctx, body.value("project", ""));
  if (!project) return std::unexpected(project.error());
  const std::string branch = body.value("branch", "");
  storage::ScannerConfigFilter filter;
  filter.project_id = project->id;
  filter.tool = std::string(k::kTool);
  auto configs = ctx.store.ScannerConfigs().List(filter, {1000, ""});
  if (!configs) return std::unexpected(configs.error());
  for (const auto& c : configs->items) {
    if (branch.empty() || c.branch == branch) return c;
  }
  return core::Fail(ErrorCode::kNotFound,
                    fmt::format("project '{}' has no {} scanner for branch '{}'; add one with its "
                                "repository key first",
                                project->name, k::kTool, branch));
}

void CreateScan(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto body = k::JsonBody(req);
  if (!body) return k::WriteKdtError(res, body.error());
  auto config = ConfigForCreate(ctx, *body);
  if (!config) return k::WriteKdtError(res, config.error());
  auto scan = ctx.store.Scans().Create(ScanFromConfig(*config, ctx.clock.Now()));
  if (!scan) return k::WriteKdtError(res, scan.error());
  if (ctx.wake_scan_workers) ctx.wake_scan_workers();
  WriteJson(res, 201,
            {{"event_id", k::RenderId(scan->id)}, {"message", "scan created successfully"}});
}

void RestartScan(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto old = GetScan(ctx, req.matches[1].str());
  if (!old) return k::WriteKdtError(res, old.error());
  if (!old->source_path.empty() && !fs::exists(old->source_path)) {
    return k::WriteKdtError(
        res, {ErrorCode::kConflict, fmt::format("the file imported by scan {} is no longer kept; "
                                                "import it again with -f",
                                                k::RenderId(old->id))});
  }
  storage::Scan scan;
  scan.project_id = old->project_id;
  scan.scanner_config_id = old->scanner_config_id;
  scan.tool = old->tool;
  scan.method = old->method;
  scan.branch = old->branch;
  scan.environment = old->environment;
  scan.meta_data = old->meta_data;
  scan.scan_tag = old->scan_tag;
  scan.source_file_name = old->source_file_name;
  scan.source_sha256 = old->source_sha256;
  scan.source_path = old->source_path;
  scan.created_at = ctx.clock.Now();
  auto created = ctx.store.Scans().Create(scan);
  if (!created) return k::WriteKdtError(res, created.error());
  if (ctx.wake_scan_workers) ctx.wake_scan_workers();
  WriteJson(res, 201,
            {{"event", k::RenderId(created->id)}, {"message", "scan restarted successfully"}});
}

core::Status CheckImportFields(const Upload& up) {
  const std::string tool = up.Field("tool");
  if (tool != k::kTool) {
    return core::Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("field 'tool' is '{}'; this server imports '{}' results", tool, k::kTool));
  }
  if (up.Field("branch").empty()) {
    return core::Fail(ErrorCode::kInvalidArgument, "field 'branch' is required");
  }
  return core::Ok();
}

// The kdt multipart form (kdt-compat.md section 2.4), streamed to disk like the native import.
void ImportScan(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader) {
  auto up = ReceiveUpload(ctx, req, reader);
  if (!up) return k::WriteKdtError(res, up.error());
  auto fail = [&](const core::Error& error) {
    DiscardUpload(*up);
    k::WriteKdtError(res, error);
  };
  if (auto ok = CheckImportFields(*up); !ok) return fail(ok.error());
  auto project = k::ResolveProject(ctx, up->Field("project"));
  if (!project) return fail(project.error());
  if (auto parsed = ValidateUpload(ctx, *up); !parsed) {
    core::Error error = parsed.error();
    error.message = fmt::format("{}: {}", up->file_name, error.message);
    return fail(error);
  }
  storage::Scan scan;
  scan.project_id = project->id;
  scan.tool = std::string(k::kTool);
  scan.method = "import";
  scan.branch = up->Field("branch");
  scan.environment = up->Field("environment");
  scan.meta_data = up->Field("meta_data");
  scan.scan_tag = up->Field("scan_tag");
  scan.source_file_name = fs::path(up->file_name).filename().string();
  scan.source_sha256 = up->sha256;
  scan.source_path = up->path.string();
  scan.created_at = ctx.clock.Now();
  auto created = ctx.store.Scans().Create(scan);
  if (!created) return fail(created.error());
  if (ctx.wake_scan_workers) ctx.wake_scan_workers();
  WriteJson(res, 200,
            {{"event_id", k::RenderId(created->id)},
             {"message", "scan results have been imported successfully"},
             {"error", ""}});
}

void EventStatus(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto scan = GetScan(ctx, req.matches[1].str());
  if (!scan && scan.error().code == ErrorCode::kNotFound) {
    return k::WriteKdtError(
        res, {ErrorCode::kNotFound, fmt::format("event '{}' not found", req.matches[1].str())});
  }
  if (!scan) return k::WriteKdtError(res, scan.error());
  WriteJson(res, 200, k::EventJson(req, *scan));
}

std::string ProjectName(ApiContext& ctx, std::int64_t project_id) {
  auto project = ctx.store.Projects().Get(project_id);
  return project ? project->name : std::string();
}

void ScanDetail(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto scan = GetScan(ctx, req.matches[1].str());
  if (!scan) return k::WriteKdtError(res, scan.error());
  WriteJson(res, 200, k::ScanDetailJson(req, *scan, ProjectName(ctx, scan->project_id)));
}

// Finished scans of the scan's project, tool and branch up to the scan itself, newest first.
core::Result<std::vector<storage::Scan>> FinishedInScope(ApiContext& ctx,
                                                         const storage::Scan& scan) {
  auto all = k::ProjectScansNewestFirst(ctx, scan.project_id);
  if (!all) return std::unexpected(all.error());
  std::vector<storage::Scan> out;
  for (auto& s : *all) {
    if (s.id <= scan.id && s.state == storage::ScanState::kFinished && s.tool == scan.tool &&
        s.branch == scan.branch) {
      out.push_back(std::move(s));
    }
  }
  return out;
}

void LastResults(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto scan = GetScan(ctx, req.matches[1].str());
  if (!scan) return k::WriteKdtError(res, scan.error());
  auto finished = FinishedInScope(ctx, *scan);
  if (!finished) return k::WriteKdtError(res, finished.error());
  json body = json::object();
  const char* keys[] = {"last", "previous"};
  for (size_t i = 0; i < 2 && i < finished->size(); ++i) {
    const auto& s = (*finished)[i];
    body[keys[i]] = {{"score", k::Score(s)}, {"summary", k::SummaryJson(s.summary)}};
  }
  WriteJson(res, 200, body);
}

// Release criteria (kdt-compat.md sections 1.6, 2.2, 4): the project's policy over the branch's
// open, untriaged findings decides the `sca` category and the whole ("success", "fail" or
// "undefined" without a policy); the other categories have no scanner here and stay undefined.
void Release(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto project = k::ResolveProject(ctx, req.matches[1].str());
  if (!project) return k::WriteKdtError(res, project.error());
  auto report = ComputeRelease(ctx, *project, k::Query(req, "branch"));
  if (!report) return k::WriteKdtError(res, report.error());
  const char* status = "undefined";
  if (report->verdict.status == domain::ReleaseStatus::kPassed) status = "success";
  if (report->verdict.status == domain::ReleaseStatus::kFailed) status = "fail";
  json body = {{"progress_status", "ready"}, {"status", status}};
  for (const char* category :
       {"sast", "dast", "pentest", "iast", "sca", "cs", "iac", "mast", "sbom", "infra"}) {
    const bool sca = std::string_view(category) == "sca";
    body[category] = {
        {"status", sca ? status : "undefined"},
        {"scan_id", sca && report->scan_id ? k::RenderId(*report->scan_id) : std::string()}};
  }
  WriteJson(res, 200, body);
}

}  // namespace

void RegisterKdtScanRoutes(httplib::Server& svr, ApiContext& ctx) {
  k::KdtPost(svr, ctx, "/scans/create", Role::kMember,
             [&ctx](const auto& req, auto& res) { CreateScan(ctx, req, res); });
  k::KdtPostStreamed(
      svr, ctx, "/scans/import", Role::kMember,
      [&ctx](const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& reader) { ImportScan(ctx, req, res, reader); });
  k::KdtGet(svr, ctx, "/scans/([^/]+)/restart", Role::kMember,
            [&ctx](const auto& req, auto& res) { RestartScan(ctx, req, res); });
  k::KdtGet(svr, ctx, "/scans/([^/]+)/last_results", Role::kViewer,
            [&ctx](const auto& req, auto& res) { LastResults(ctx, req, res); });
  k::KdtGet(svr, ctx, "/scans/([^/]+)", Role::kViewer,
            [&ctx](const auto& req, auto& res) { ScanDetail(ctx, req, res); });
  k::KdtGet(svr, ctx, "/events/([^/]+)/status", Role::kViewer,
            [&ctx](const auto& req, auto& res) { EventStatus(ctx, req, res); });
  k::KdtGet(svr, ctx, "/projects/([^/]+)/release", Role::kViewer,
            [&ctx](const auto& req, auto& res) { Release(ctx, req, res); });
}

}  // namespace bulwark::http
