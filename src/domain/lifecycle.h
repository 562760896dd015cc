// Finding lifecycle rules: how a finding's status moves when a completed scan snapshot of its
// (project, branch, tool) is applied, and how open findings score. Pure values, no I/O; storage
// applies these rules in one transaction (storage::FindingRepository::ApplySnapshot).
#pragma once

#include <optional>
#include <string_view>

#include "core/error.h"
#include "domain/finding.h"

namespace bulwark::domain {

// new: first seen in the latest snapshot; open: seen before and again; reopened: was fixed and
// is back; fixed: an earlier finding the latest snapshot no longer contains.
enum class FindingStatus { kNew, kOpen, kReopened, kFixed };
std::string_view FindingStatusName(FindingStatus s);
core::Result<FindingStatus> ParseFindingStatus(std::string_view text);

// The status after a snapshot: `previous` is nullopt for a finding never stored; `present` says
// whether the snapshot contains it. nullopt = nothing to store (absent and never seen).
std::optional<FindingStatus> NextStatus(std::optional<FindingStatus> previous, bool present);

// A triage decision entered once per project + vulnerability key + component name.
enum class TriageState { kFalsePositive, kRiskAccepted, kNotAffected };
std::string_view TriageStateName(TriageState s);
core::Result<TriageState> ParseTriageState(std::string_view text);

struct SeverityCounts {
  int critical = 0, high = 0, medium = 0, low = 0, info = 0;
  void Add(Severity s, int n = 1);
  int Total() const { return critical + high + medium + low + info; }
  bool operator==(const SeverityCounts&) const = default;
};

// Weight of one open, untriaged finding per severity.
struct RiskWeights {
  double critical = 10, high = 9, medium = 4, low = 2, info = 0;
};
double RiskScore(const SeverityCounts& open_untriaged, const RiskWeights& weights = {});

}  // namespace bulwark::domain
