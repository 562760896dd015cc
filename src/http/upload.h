// Uploaded result files: a multipart body streamed to disk (never whole in memory) under
// <data_dir>/uploads/<one directory per upload>/<file name>, shared by the native import
// (POST /api/v1/projects/{id}/imports) and kdt's (POST /api/v2/scans/import). The file stays
// until its scan reaches a final state (upload_retention.h).
#pragma once

#include <httplib.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "http/api_context.h"

namespace bulwark::http {

struct Upload {
  std::filesystem::path dir;   // the upload's own directory
  std::filesystem::path path;  // the stored file
  std::string file_name;       // as the client named it
  std::uint64_t bytes = 0;
  std::string sha256;                         // hex digest of the file
  std::map<std::string, std::string> fields;  // the other (small) form parts

  // A text part's value, "" when absent.
  std::string Field(const std::string& name) const;
};

std::filesystem::path UploadsDir(const std::filesystem::path& data_dir);

// Streams the multipart body of `req` to disk: the `file_part` part to a file, the other parts
// into fields. kTooLarge (413) above ctx.max_upload_bytes, kInvalidArgument when the body is not
// multipart or has no `file_part`. Nothing is left on disk when it fails.
core::Result<Upload> ReceiveUpload(ApiContext& ctx, const httplib::Request& req,
                                   const httplib::ContentReader& reader,
                                   const std::string& file_part = "file");

// Parses the whole file (keeping no finding); the ingest error when it is not a report.
core::Status ValidateUpload(const Upload& upload);

// Removes the upload's directory and file.
void DiscardUpload(const Upload& upload);

}  // namespace bulwark::http
