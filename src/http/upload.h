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
#include "http/upload_reader.h"
#include "ingest/ingest.h"

namespace bulwark::http {

std::filesystem::path UploadsDir(const std::filesystem::path& data_dir);

// Streams the multipart body of `req` to disk: the `file_part` part to a file, the other parts
// into fields. kTooLarge (413) above ctx.max_upload_bytes, kInvalidArgument when the body is not
// multipart or has no `file_part`. Nothing is left on disk when it fails.
core::Result<Upload> ReceiveUpload(ApiContext& ctx, const httplib::Request& req,
                                   const httplib::ContentReader& reader,
                                   const std::string& file_part = "file");

// Parses the whole file (keeping no finding) under the server's import limits: what it holds
// (format, counts), or the ingest error when it is not a report.
core::Result<ingest::ParseReport> ValidateUpload(const ApiContext& ctx, const Upload& upload);

// Removes the upload's directory and file.
void DiscardUpload(const Upload& upload);

}  // namespace bulwark::http
