// The pipeline gate of `bulwark scan` and `bulwark status`: kdt's thresholds (a count fails the
// build when it is greater than the threshold, checked only for the flags given; the risk gate
// fails when the score rose since the previous scan of the same tool and branch) plus Bulwark's
// thresholds on new findings, and the explanation printed when it fails. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/api_client.h"

namespace bulwark::cli {

struct GateOptions {
  std::optional<int> crit, high, med, low;                  // --threshold-{crit,high,med,low}
  bool risk = false;                                        // --threshold-risk
  std::optional<int> new_crit, new_high, new_med, new_low;  // --threshold-new-*

  bool NeedsNewCounts() const { return new_crit || new_high || new_med || new_low; }
  bool Any() const { return crit || high || med || low || risk || NeedsNewCounts(); }
};

struct GateInput {
  // The scan's summary: open findings by severity, triaged ones already excluded by the server.
  SeverityCounts summary;
  // Untriaged findings new since the previous scan of the branch; needed by --threshold-new-*.
  std::optional<SeverityCounts> new_counts;
  double risk_score = 0;
  // Risk score of the previous finished scan of the same tool and branch; needed by the risk
  // gate (none: the gate passes with a note, as there is nothing the score could have risen from).
  std::optional<double> previous_risk;
};

struct GateViolation {
  std::string flag;                          // e.g. "--threshold-crit"
  std::string message;                       // the failed rule with its numbers
  std::optional<domain::Severity> severity;  // the severity whose findings offend
  bool new_only = false;                     // only findings new since the previous scan offend
};

struct GateResult {
  std::vector<GateViolation> violations;
  std::vector<std::string> notes;
  bool Passed() const { return violations.empty(); }
};

GateResult EvaluateGate(const GateOptions& options, const GateInput& input);

// Counts the untriaged, unfixed findings by severity.
SeverityCounts CountOpen(const std::vector<FindingInfo>& findings);

// True when the violation is about this finding (its severity; new-only rules need `is_new`).
bool Offends(const GateViolation& v, const FindingInfo& f, bool is_new);

// Most severe first, then highest CVSS, then vulnerability key; duplicates (same id) dropped.
void SortBySeverity(std::vector<FindingInfo>& findings);

inline constexpr std::size_t kMaxListedFindings = 20;

// The explanation of a failed gate: each failed rule with its numbers, then the offending
// findings (already sorted; at most kMaxListedFindings shown) with severity, issue/CVE,
// component@version and fixed versions; `total_offending` counts those not shown too.
std::string ExplainGate(const GateResult& result, const std::vector<FindingInfo>& offending,
                        std::size_t total_offending, const std::string& link);

}  // namespace bulwark::cli
