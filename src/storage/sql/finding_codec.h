// Column encodings of a finding's structured attributes (CVEs, locations) and its content hash.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/finding.h"
#include "storage/sql/session.h"

namespace bulwark::storage::sql {

// The finding's columns after the identity ones, in kFindingContentCols order.
std::vector<Value> FindingContent(const domain::Finding& f);
// The digest stored in findings.content_hash: computed from the finding itself (no column text
// is built), over everything FindingContent stores, so equal content gives an equal digest. It is
// "2:" and 16 hex digits; the prefix tells it apart from ContentHash of earlier rows.
std::string ContentDigest(const domain::Finding& f);
inline bool IsContentDigest(std::string_view stored) { return stored.starts_with("2:"); }
// The digest of the column text that rows written before ContentDigest carry (16 hex digits);
// an unchanged finding of such a row is recognised by it.
std::string ContentHash(const std::vector<Value>& content);
// Reads the content columns (starting at `first`) back into a finding.
void ReadFindingContent(const Row& row, size_t first, domain::Finding& f);

inline constexpr const char* kFindingContentCols =
    "kind, violation_type, severity, issue_id, component_type, component_name, "
    "component_version, component_id, cve_text, cves, cwes, fixed_versions, locations, "
    "applicability, reference_urls, summary, description, published, license, watch, policies";
inline constexpr int kFindingContentCount = 21;

}  // namespace bulwark::storage::sql
