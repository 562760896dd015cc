// Findings of a project branch, their history and their triage, and the one operation that
// applies a completed scan snapshot (domain/lifecycle.h rules) in the caller's transaction.
// Part of the storage port (store.h).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "domain/finding.h"
#include "domain/lifecycle.h"
#include "storage/page.h"

namespace bulwark::storage {

struct Triage {
  std::int64_t id = 0;
  std::int64_t project_id = 0;
  std::string vulnerability_key;
  std::string component_name;
  domain::TriageState state = domain::TriageState::kFalsePositive;
  std::string reason;
  std::optional<Time> expires_at;  // risk acceptances lapse at this time
  std::string decided_by;
  Time decided_at{};
};

struct StoredFinding {
  std::int64_t id = 0;
  std::int64_t project_id = 0;
  std::string branch;
  std::string tool;
  std::string fingerprint;
  std::string vulnerability_key;
  domain::Finding finding;
  domain::FindingStatus status = domain::FindingStatus::kNew;
  Time first_seen_at{};
  Time last_seen_at{};
  std::optional<Time> fixed_at;
  std::optional<std::int64_t> first_scan_id;
  std::optional<std::int64_t> last_scan_id;
  std::optional<Triage> triage;  // the decision in force (not expired), if any
};

struct HistoryEntry {
  std::int64_t id = 0;
  std::int64_t finding_id = 0;
  std::optional<std::int64_t> scan_id;
  std::string change;  // new, fixed, reopened, updated, triaged
  std::string detail;
  Time at{};
};

// The column a finding list is ordered by; ties are broken by id in the same direction.
enum class FindingSortKey {
  kId,
  kSeverity,
  kLastSeen,
  kFirstSeen,
  kComponent,  // component name
  kVulnerabilityKey
};
struct FindingSort {
  FindingSortKey key = FindingSortKey::kId;
  bool descending = false;
};
// "severity", "-severity" (critical first), "last_seen", "-last_seen", "first_seen",
// "-first_seen", "component", "-component", "vulnerability_key", "-vulnerability_key", "id";
// kInvalidArgument listing those otherwise.
core::Result<FindingSort> ParseFindingSort(std::string_view text);

struct FindingFilter {
  std::int64_t project_id = 0;
  std::optional<std::string> branch;
  std::optional<std::string> tool;
  std::vector<domain::Severity> severities;  // empty = any
  std::optional<domain::FindingStatus> status;
  std::optional<domain::FindingKind> kind;
  std::string q;  // substring of CVE ids, issue id, component name or summary
  FindingSort sort = {};
};

// Which findings a snapshot replaces: every finding of (project, branch, tool).
struct SnapshotScope {
  std::int64_t project_id = 0;
  std::string branch;
  std::string tool;
  std::int64_t scan_id = 0;
  Time at{};
};

struct ApplyResult {
  int new_findings = 0;
  int reopened = 0;
  int fixed = 0;
  int updated = 0;       // present before and changed in content
  int unchanged = 0;     // present before, content equal: only last seen moves
  int rows_written = 0;  // finding rows whose content was inserted or rewritten
};

// The findings that differ between two snapshots: counts of each set and, for each, at most
// `limit` findings most severe first (then by id).
struct FindingDiff {
  std::optional<std::int64_t> against_scan_id;  // scan diffs: the earlier scan, if any
  int new_count = 0;
  int fixed_count = 0;
  int unchanged_count = 0;
  std::vector<StoredFinding> added;  // in the later snapshot only
  std::vector<StoredFinding> fixed;  // in the earlier snapshot only
  std::vector<StoredFinding> unchanged;
};

struct ScanDiffRequest {
  std::int64_t scan_id = 0;
  // nullopt: the previous finished scan of the same (project, branch, tool), none = empty.
  std::optional<std::int64_t> against_scan_id;
  int limit = 100;  // 1..1000
};

struct BranchDiffRequest {
  std::int64_t project_id = 0;
  std::string from;
  std::string to;
  int limit = 100;  // 1..1000
};

class FindingRepository {
 public:
  virtual ~FindingRepository() = default;
  // Applies the complete, merged findings of one finished scan of `scope` (fingerprints unique
  // in `findings`). Call inside Store::WithTransaction so it is all or nothing.
  virtual core::Result<ApplyResult> ApplySnapshot(const SnapshotScope& scope,
                                                  std::span<const domain::Finding> findings) = 0;
  // `now` decides which triage decisions are in force.
  virtual core::Result<StoredFinding> Get(std::int64_t id, Time now) = 0;
  // Keyset pages in the filter's sort order; cursors come from next_cursor.
  virtual core::Result<Page<StoredFinding>> List(const FindingFilter& filter,
                                                 const PageRequest& page, Time now) = 0;
  virtual core::Result<std::int64_t> Count(const FindingFilter& filter) = 0;
  virtual core::Result<std::vector<HistoryEntry>> History(std::int64_t finding_id) = 0;
  // Counts of non-fixed findings without a triage decision in force. Empty branch/tool = all.
  virtual core::Result<domain::SeverityCounts> OpenUntriaged(std::int64_t project_id,
                                                             std::string_view branch,
                                                             std::string_view tool, Time now) = 0;
  // A finished scan's snapshot against an earlier one of the same scope, rebuilt from the
  // lifecycle history: kNotFound for an unknown scan, kConflict for a scan that has not
  // finished, kInvalidArgument when `against` is of another scope or not earlier.
  virtual core::Result<FindingDiff> DiffScan(const ScanDiffRequest& request, Time now) = 0;
  // Non-fixed findings of branch `to` against those of branch `from`, matched by identity
  // (tool + vulnerability key + component key). "fixed" lists `from`'s rows, the others `to`'s.
  virtual core::Result<FindingDiff> DiffBranches(const BranchDiffRequest& request, Time now) = 0;
  // Records (or replaces) the decision for the finding's project + vulnerability key +
  // component name, with a "triaged" history entry on every branch's matching finding.
  virtual core::Result<Triage> SetTriage(const Triage& triage) = 0;
  // Removes the decision (the finding is open again on every branch).
  virtual core::Status ClearTriage(std::int64_t project_id, std::string_view vulnerability_key,
                                   std::string_view component_name, Time at) = 0;
};

}  // namespace bulwark::storage
