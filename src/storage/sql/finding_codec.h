// Column encodings of a finding's structured attributes (CVEs, locations) and its content hash.
#pragma once

#include <string>
#include <vector>

#include "domain/finding.h"
#include "storage/sql/session.h"

namespace bulwark::storage::sql {

// The finding's columns after the identity ones, in kFindingContentCols order.
std::vector<Value> FindingContent(const domain::Finding& f);
// A stable digest of FindingContent: equal content, equal hash.
std::string ContentHash(const std::vector<Value>& content);
// Reads the content columns (starting at `first`) back into a finding.
void ReadFindingContent(const Row& row, size_t first, domain::Finding& f);

inline constexpr const char* kFindingContentCols =
    "kind, violation_type, severity, issue_id, component_type, component_name, "
    "component_version, component_id, cve_text, cves, cwes, fixed_versions, locations, "
    "applicability, reference_urls, summary, description, published, license, watch, policies";
inline constexpr int kFindingContentCount = 21;

}  // namespace bulwark::storage::sql
