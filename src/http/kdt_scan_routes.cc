// The kdt-compatible API, part 2: starting, restarting and importing scans, their events, their
// details and the gates kdt applies afterwards (last_results, release). Scans are stored as
// durable jobs (storage::ScanRepository); the scan runner executes them.
#include <fmt/format.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "http/errors.h"
#include "http/kdt_support.h"
#include "http/routes.h"
#include "ingest/ingest.h"

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

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

// Counts only: validating an upload keeps no finding in memory.
class NullSink : public ingest::FindingSink {
 public:
  core::Status Consume(std::span<const domain::Finding>) override { return core::Ok(); }
  bool WantsFindings() const override { return false; }
};

std::string Field(const httplib::Request& req, const char* name) {
  return req.has_file(name) ? req.get_file_value(name).content : std::string();
}

// Writes the upload beside the others, then checks it parses; a refused file is removed.
core::Result<fs::path> StoreUpload(ApiContext& ctx, const httplib::MultipartFormData& file) {
  if (file.content.size() > ctx.max_upload_bytes) {
    return core::Fail(ErrorCode::kTooLarge,
                      fmt::format("file: larger than the upload limit of {} bytes (setting "
                                  "max_upload_bytes, BULWARK_MAX_UPLOAD_BYTES); raise it or "
                                  "split the report",
                                  ctx.max_upload_bytes));
  }
  const fs::path dir = ctx.data_dir / "uploads";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return core::Fail(ErrorCode::kInternal,
                      fmt::format("cannot create the upload directory: {}", ec.message()));
  }
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const fs::path path = dir / fmt::format("kdt-upload-{:016x}", rng());
  {
    std::ofstream out(path, std::ios::binary);
    out.write(file.content.data(), static_cast<std::streamsize>(file.content.size()));
    if (!out) {
      fs::remove(path, ec);
      return core::Fail(ErrorCode::kInternal, "cannot store the uploaded file");
    }
  }
  NullSink sink;
  auto parsed = ingest::ParseFile(path, ingest::Format::kAuto, sink, ctx.ImportOptions());
  if (!parsed) {
    fs::remove(path, ec);
    core::Error error = parsed.error();
    error.message = fmt::format("{}: {}", file.filename, error.message);
    return std::unexpected(error);
  }
  return path;
}

core::Status CheckImportFields(const httplib::Request& req) {
  if (!req.is_multipart_form_data() || !req.has_file("file")) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      "send a multipart/form-data body with the result file in part 'file'");
  }
  const std::string tool = Field(req, "tool");
  if (tool != k::kTool) {
    return core::Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("field 'tool' is '{}'; this server imports '{}' results", tool, k::kTool));
  }
  if (Field(req, "branch").empty()) {
    return core::Fail(ErrorCode::kInvalidArgument, "field 'branch' is required");
  }
  return core::Ok();
}

void ImportScan(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  if (auto ok = CheckImportFields(req); !ok) return k::WriteKdtError(res, ok.error());
  auto project = k::ResolveProject(ctx, Field(req, "project"));
  if (!project) return k::WriteKdtError(res, project.error());
  const auto file = req.get_file_value("file");
  auto path = StoreUpload(ctx, file);
  if (!path) return k::WriteKdtError(res, path.error());
  storage::Scan scan;
  scan.project_id = project->id;
  scan.tool = std::string(k::kTool);
  scan.method = "import";
  scan.branch = Field(req, "branch");
  scan.environment = Field(req, "environment");
  scan.meta_data = Field(req, "meta_data");
  scan.scan_tag = Field(req, "scan_tag");
  scan.source_file_name = fs::path(file.filename).filename().string();
  scan.source_sha256 = Sha256Hex(file.content);
  scan.source_path = path->string();
  scan.created_at = ctx.clock.Now();
  auto created = ctx.store.Scans().Create(scan);
  if (!created) {
    std::error_code ec;
    fs::remove(*path, ec);
    return k::WriteKdtError(res, created.error());
  }
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

// Release criteria: Bulwark keeps no release policy per project yet, so every category and the
// whole are "undefined" (kdt: "project has no release criteria"); sca names the latest finished
// scan of the branch.
void Release(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto project = k::ResolveProject(ctx, req.matches[1].str());
  if (!project) return k::WriteKdtError(res, project.error());
  std::string branch = k::Query(req, "branch");
  if (branch.empty()) branch = project->default_branch;
  auto all = k::ProjectScansNewestFirst(ctx, project->id);
  if (!all) return k::WriteKdtError(res, all.error());
  std::string sca_scan;
  for (const auto& s : *all) {
    if (s.branch == branch && s.tool == k::kTool && s.state == storage::ScanState::kFinished) {
      sca_scan = k::RenderId(s.id);
      break;
    }
  }
  json body = {{"progress_status", "ready"}, {"status", "undefined"}};
  for (const char* category :
       {"sast", "dast", "pentest", "iast", "sca", "cs", "iac", "mast", "sbom", "infra"}) {
    body[category] = {{"status", "undefined"},
                      {"scan_id", std::string_view(category) == "sca" ? sca_scan : ""}};
  }
  WriteJson(res, 200, body);
}

}  // namespace

void RegisterKdtScanRoutes(httplib::Server& svr, ApiContext& ctx) {
  k::KdtPost(svr, ctx, "/scans/create", Role::kMember,
             [&ctx](const auto& req, auto& res) { CreateScan(ctx, req, res); });
  k::KdtPost(svr, ctx, "/scans/import", Role::kMember,
             [&ctx](const auto& req, auto& res) { ImportScan(ctx, req, res); });
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
