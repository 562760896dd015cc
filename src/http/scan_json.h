// JSON of scans and findings as the API answers them (docs/api.md, "Scans, imports and
// findings"), shared by the scan, import and finding routes and the pipeline-facing APIs.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "storage/store.h"

namespace bulwark::http {

// RFC 3339 UTC with milliseconds, e.g. "2026-01-01T00:00:00.000Z".
std::string Rfc3339(storage::Time t);
nlohmann::json OptTime(const std::optional<storage::Time>& t);
nlohmann::json CountsJson(const domain::SeverityCounts& c);

// {id, project_id, project_name, scanner_id, tool, method, branch, environment, meta_data,
//  scan_tag, state, progress, error, hint, summary{...}, risk_score, new_findings,
//  fixed_findings, created_at, started_at, finished_at, links{html, api}}
nlohmann::json ScanJson(const storage::Scan& scan, const std::string& project_name);

// The finding fields the web UI reads (web/README.md); `with_details` adds description,
// locations and history is added by the caller.
nlohmann::json FindingJson(const storage::StoredFinding& f);
// The same object appended to `out` as JSON text, without building a document (the list route).
void AppendFindingJson(std::string& out, const storage::StoredFinding& f);

// Parses a decimal id path segment; nullopt when it is not one.
std::optional<std::int64_t> ParseId(const std::string& text);

}  // namespace bulwark::http
