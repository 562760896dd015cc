// Release status of a project branch against the project's policy, shared by the native route
// (GET /api/v1/projects/{id}/release) and the kdt route (/api/v2/projects/{p}/release).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/release.h"
#include "http/api_context.h"

namespace bulwark::http {

struct ReleaseReport {
  std::string branch;
  domain::ReleaseVerdict verdict;
  domain::SeverityCounts counts;        // open, untriaged findings of the branch (every tool)
  std::optional<std::int64_t> scan_id;  // the branch's latest finished scan, if any
};

// `branch` empty = the project's default branch.
core::Result<ReleaseReport> ComputeRelease(ApiContext& ctx, const storage::Project& project,
                                           std::string branch);

}  // namespace bulwark::http
