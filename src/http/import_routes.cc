// POST /api/v1/projects/{id}/imports: a multipart upload streamed to disk (never whole in
// memory), checked by the ingest parser before answering, then queued as an import scan.
#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "http/auth.h"
#include "http/errors.h"
#include "http/routes.h"
#include "http/scan_json.h"
#include "http/upload_reader.h"
#include "ingest/ingest.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;
namespace fs = std::filesystem;

// Counts only: validates the whole file without keeping findings.
class CheckSink final : public ingest::FindingSink {
 public:
  core::Status Consume(std::span<const domain::Finding>) override { return core::Ok(); }
  bool WantsFindings() const override { return false; }
};

std::string TempName() {
  std::random_device rd;
  return fmt::format("upload-{:08x}{:08x}", rd(), rd());
}

void Import(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
            const httplib::ContentReader& reader) {
  auto project_id = ParseId(req.matches[1]);
  auto project = ctx.store.Projects().Get(project_id.value_or(0));
  if (!project) return WriteError(res, project.error());
  const std::string too_large = fmt::format(
      "file: larger than the upload limit of {} bytes (setting max_upload_bytes, "
      "BULWARK_MAX_UPLOAD_BYTES); raise it or split the report",
      ctx.max_upload_bytes);
  const std::string length = req.get_header_value("Content-Length");
  std::uint64_t declared = 0;
  std::from_chars(length.data(), length.data() + length.size(), declared);
  if (declared > ctx.max_upload_bytes + 64 * 1024) {
    return WriteError(res, {ErrorCode::kTooLarge, too_large});
  }
  if (!req.is_multipart_form_data()) {
    return WriteError(
        res, {ErrorCode::kInvalidArgument, "body: send multipart/form-data with a `file` part"});
  }
  const fs::path dir = ctx.data_dir / "uploads";
  std::error_code ec;
  fs::create_directories(dir, ec);
  Upload up;
  up.dir = dir / TempName();
  fs::create_directories(up.dir, ec);
  auto discard = [&] { fs::remove_all(up.dir, ec); };
  const bool received = ReceiveUpload(reader, ctx.max_upload_bytes, up);
  if (up.too_large) {
    discard();
    return WriteError(res, {ErrorCode::kTooLarge, too_large});
  }
  if (!received || !up.has_file) {
    discard();
    return WriteError(res, {ErrorCode::kInvalidArgument,
                            received ? "file: missing; send the report in a part named `file`"
                                     : "body: the multipart upload could not be read"});
  }
  auto field = [&](const char* name) {
    auto it = up.fields.find(name);
    return it == up.fields.end() ? std::string() : it->second;
  };
  if (field("tool").empty() || field("branch").empty()) {
    discard();
    return WriteError(res, {ErrorCode::kInvalidArgument, field("tool").empty()
                                                             ? "tool: required (e.g. jfrogxraysca)"
                                                             : "branch: required (e.g. main)"});
  }
  CheckSink check;
  auto parsed = ingest::ParseFile(up.path, ingest::Format::kAuto, check, ctx.ImportOptions());
  if (!parsed) {
    discard();
    nlohmann::json body = {{"code", core::ErrorCodeName(parsed.error().code)},
                           {"message", parsed.error().message}};
    return WriteJson(res, 422, body);
  }
  storage::Scan scan;
  scan.project_id = project->id;
  scan.tool = field("tool");
  scan.method = field("source") == "ui" ? "ui-import" : "import";
  scan.branch = field("branch");
  scan.environment = field("environment");
  scan.meta_data = field("meta_data");
  scan.scan_tag = field("scan_tag");
  scan.source_file_name = up.file_name;
  scan.source_sha256 = up.sha256;
  scan.source_path = up.path.string();
  scan.created_at = ctx.clock.Now();
  auto created = ctx.store.Scans().Create(scan);
  if (!created) {
    discard();
    return WriteError(res, created.error());
  }
  if (ctx.wake_scan_workers) ctx.wake_scan_workers();
  WriteJson(res, 202, ScanJson(*created, project->name));
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
