// Uploaded files live only as long as a scan may still read them: once every scan that names a
// file (a restart reuses its predecessor's file) is finished, failed or canceled, the file and
// its upload directory are deleted. Two ways in:
//  - WithUploadRetention: a Store whose Scans() deletes the upload right after a scan is moved
//    to a final state (Transition, or RequestCancel of a waiting scan) outside a transaction;
//    the server and the scan workers share it, so nothing else needs to remember the file.
//  - SweepUploads: at start-up, what a crash or an older version left behind.
// Only paths under `uploads_dir` are ever deleted.
#pragma once

#include <filesystem>
#include <memory>

#include "storage/store.h"

namespace bulwark::http {

// Deletes the upload of scan `scan_id` when no non-final scan still names it. Ok when there is
// nothing to delete.
core::Status ReleaseUpload(storage::Repositories& repos, const std::filesystem::path& uploads_dir,
                           std::int64_t scan_id);

// Removes every upload under `uploads_dir` whose scans are all final, and uploads no scan names
// that are older than `orphan_age` (an upload being received has no scan yet). Returns how many
// uploads were removed.
core::Result<int> SweepUploads(storage::Repositories& repos,
                               const std::filesystem::path& uploads_dir,
                               std::chrono::seconds orphan_age = std::chrono::hours(24));

// `inner` (which must outlive the result) with upload retention on its top-level Scans().
std::unique_ptr<storage::Store> WithUploadRetention(storage::Store& inner,
                                                    std::filesystem::path uploads_dir);

}  // namespace bulwark::http
