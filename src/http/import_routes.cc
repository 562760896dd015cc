// POST /api/v1/projects/{id}/imports: a multipart upload streamed to disk (never whole in
// memory), checked by the ingest parser before answering, then queued as an import scan.
#include <nlohmann/json.hpp>

#include "http/auth.h"
#include "http/errors.h"
#include "http/routes.h"
#include "http/scan_json.h"
#include "http/upload.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;

void Import(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
            const httplib::ContentReader& reader) {
  auto project_id = ParseId(req.matches[1]);
  auto project = ctx.store.Projects().Get(project_id.value_or(0));
  if (!project) return WriteError(res, project.error());
  auto up = ReceiveUpload(ctx, req, reader);
  if (!up) return WriteError(res, up.error());
  if (up->Field("tool").empty() || up->Field("branch").empty()) {
    DiscardUpload(*up);
    return WriteError(res, {ErrorCode::kInvalidArgument, up->Field("tool").empty()
                                                             ? "tool: required (e.g. jfrogxraysca)"
                                                             : "branch: required (e.g. main)"});
  }
  auto parsed = ValidateUpload(ctx, *up);
  if (!parsed) {
    DiscardUpload(*up);
    nlohmann::json body = {{"code", core::ErrorCodeName(parsed.error().code)},
                           {"message", parsed.error().message}};
    return WriteJson(res, 422, body);
  }
  storage::Scan scan;
  scan.project_id = project->id;
  scan.tool = up->Field("tool");
  scan.method = up->Field("source") == "ui" ? "ui-import" : "import";
  scan.branch = up->Field("branch");
  scan.environment = up->Field("environment");
  scan.meta_data = up->Field("meta_data");
  scan.scan_tag = up->Field("scan_tag");
  scan.source_file_name = up->file_name;
  scan.source_sha256 = up->sha256;
  scan.source_path = up->path.string();
  scan.created_at = ctx.clock.Now();
  auto created = ctx.store.Scans().Create(scan);
  if (!created) {
    DiscardUpload(*up);
    return WriteError(res, created.error());
  }
  if (ctx.wake_scan_workers) ctx.wake_scan_workers();
  nlohmann::json body = ScanJson(*created, project->name);
  body["format"] = ingest::FormatName(parsed->format);  // what the upload was detected as
  WriteJson(res, 202, body);
}

}  // namespace

void RegisterImportRoutes(httplib::Server& svr, ApiContext& ctx) {
  svr.Post(R"(/api/v1/projects/(\d+)/imports)", [&ctx](const httplib::Request& req,
                                                       httplib::Response& res,
                                                       const httplib::ContentReader& reader) {
    auto who = Authenticate(req, ctx);
    if (!who) return WriteError(res, who.error());
    if (who->role < storage::Role::kMember) {
      return WriteError(
          res, {ErrorCode::kPermissionDenied, "role: importing needs the member role or higher"});
    }
    Import(ctx, req, res, reader);
  });
}

}  // namespace bulwark::http
