#include "http/upload.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <optional>
#include <random>

#include "env/thread_priority.h"
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

std::string UniqueName() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("upload-{:016x}", rng());
}

}  // namespace

fs::path UploadsDir(const fs::path& data_dir) { return data_dir / "uploads"; }

core::Result<Upload> ReceiveUpload(ApiContext& ctx, const httplib::Request& req,
                                   const httplib::ContentReader& reader,
                                   const std::string& file_part) {
  const std::string too_large = fmt::format(
      "{}: larger than the upload limit of {} bytes (setting max_upload_bytes, "
      "BULWARK_MAX_UPLOAD_BYTES); raise it or split the report",
      file_part, ctx.max_upload_bytes);
  const std::string length = req.get_header_value("Content-Length");
  std::uint64_t declared = 0;
  std::from_chars(length.data(), length.data() + length.size(), declared);
  if (declared > ctx.max_upload_bytes + kMaxUploadFieldBytes) {
    return core::Fail(ErrorCode::kTooLarge, too_large);
  }
  if (!req.is_multipart_form_data()) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("body: send multipart/form-data with the report in a part named "
                                  "`{}`",
                                  file_part));
  }
  Upload up;
  up.dir = UploadsDir(ctx.data_dir) / UniqueName();
  std::error_code ec;
  fs::create_directories(up.dir, ec);
  if (ec) {
    return core::Fail(ErrorCode::kInternal,
                      fmt::format("cannot create the upload directory: {}", ec.message()));
  }
  const bool received = ReceiveUpload(reader, ctx.max_upload_bytes, up, file_part);
  if (up.too_large) {
    DiscardUpload(up);
    return core::Fail(ErrorCode::kTooLarge, too_large);
  }
  if (!received || !up.has_file) {
    DiscardUpload(up);
    return core::Fail(ErrorCode::kInvalidArgument,
                      received ? fmt::format("{}: missing; send the report in a part named `{}`",
                                             file_part, file_part)
                               : std::string("body: the multipart upload could not be read"));
  }
  return up;
}

core::Result<ingest::ParseReport> ValidateUpload(const ApiContext& ctx, const Upload& upload) {
  // The whole file is parsed: CPU work at the jobs' priority, so readers keep theirs.
  std::optional<core::Result<ingest::ParseReport>> parsed;
  env::RunAtNice(ctx.job_nice, [&] {
    CheckSink check;
    parsed = ingest::ParseFile(upload.path, ingest::Format::kAuto, check, ctx.ImportOptions());
  });
  return std::move(*parsed);
}

void DiscardUpload(const Upload& upload) {
  std::error_code ec;
  fs::remove_all(upload.dir, ec);
}

}  // namespace bulwark::http
