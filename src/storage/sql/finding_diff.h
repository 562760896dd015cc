// SQL of finding diffs: a scan's snapshot rebuilt from the lifecycle history and compared with
// an earlier one, and the open findings of two branches compared by identity.
#pragma once

#include <string>

#include "storage/findings.h"
#include "storage/sql/session.h"

namespace bulwark::storage::sql {

core::Result<FindingDiff> DiffScan(Session& s, const ScanDiffRequest& request, Time now);
core::Result<FindingDiff> DiffBranches(Session& s, const BranchDiffRequest& request, Time now);

// Defined in finding_repository.cc: the SELECT of StoredFinding rows ($1 = now, for the triage
// in force; the caller adds WHERE/ORDER BY) and the mapping of one of its rows.
std::string SelectFindingRows();
StoredFinding ToStoredFinding(const Row& row);

}  // namespace bulwark::storage::sql
