#include "cli/gate.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "cli/output.h"

namespace bulwark::cli {
namespace {

using domain::Severity;

struct Rule {
  const char* flag;
  std::optional<int> GateOptions::*threshold;
  Severity severity;
  bool new_only;
};

constexpr Rule kRules[] = {
    {"--threshold-crit", &GateOptions::crit, Severity::kCritical, false},
    {"--threshold-high", &GateOptions::high, Severity::kHigh, false},
    {"--threshold-med", &GateOptions::med, Severity::kMedium, false},
    {"--threshold-low", &GateOptions::low, Severity::kLow, false},
    {"--threshold-new-crit", &GateOptions::new_crit, Severity::kCritical, true},
    {"--threshold-new-high", &GateOptions::new_high, Severity::kHigh, true},
    {"--threshold-new-med", &GateOptions::new_med, Severity::kMedium, true},
    {"--threshold-new-low", &GateOptions::new_low, Severity::kLow, true},
};

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

GateResult EvaluateGate(const GateOptions& options, const GateInput& input) {
  GateResult result;
  for (const Rule& rule : kRules) {
    const std::optional<int>& threshold = options.*rule.threshold;
    if (!threshold) continue;
    int count = 0;
    if (rule.new_only) {
      if (!input.new_counts) {
        result.violations.push_back(
            {rule.flag,
             fmt::format("{}: the server did not report the findings new in this scan, so the "
                         "new-findings gate cannot be checked",
                         rule.flag),
             std::nullopt, true});
        continue;
      }
      count = input.new_counts->Get(rule.severity);
    } else {
      count = input.summary.Get(rule.severity);
    }
    if (count > *threshold) {
      result.violations.push_back(
          {rule.flag,
           fmt::format("number of {}vulnerabilities with {} severity ({}) is higher than "
                       "threshold ({}) [{}]",
                       rule.new_only ? "new " : "", domain::SeverityName(rule.severity), count,
                       *threshold, rule.flag),
           rule.severity, rule.new_only});
    }
  }
  if (options.risk) {
    if (!input.previous_risk) {
      result.notes.push_back(
          "--threshold-risk: no previous finished scan of this tool and branch to compare the "
          "risk score with; the risk gate passes");
    } else if (input.risk_score > *input.previous_risk) {
      result.violations.push_back(
          {"--threshold-risk",
           fmt::format("risk score of the scan ({}) is higher than last scan's ({}) "
                       "[--threshold-risk]",
                       FormatScore(input.risk_score), FormatScore(*input.previous_risk)),
           std::nullopt, true});
    }
  }
  return result;
}

SeverityCounts CountOpen(const std::vector<FindingInfo>& findings) {
  SeverityCounts counts;
  for (const FindingInfo& f : findings) {
    if (!f.Triaged() && !f.Fixed()) counts.Add(f.severity);
  }
  return counts;
}

bool Offends(const GateViolation& v, const FindingInfo& f, bool is_new) {
  if (f.Triaged() || f.Fixed()) return false;
  if (v.new_only && !is_new) return false;
  if (v.severity) return f.severity == *v.severity;
  return v.new_only;  // the risk gate: every new finding raised the score
}

void SortBySeverity(std::vector<FindingInfo>& findings) {
  std::stable_sort(findings.begin(), findings.end(),
                   [](const FindingInfo& a, const FindingInfo& b) {
                     if (a.severity != b.severity) return a.severity > b.severity;
                     double ca = a.cvss.value_or(-1), cb = b.cvss.value_or(-1);
                     if (ca != cb) return ca > cb;
                     return a.VulnerabilityKey() < b.VulnerabilityKey();
                   });
  std::set<std::string> seen;
  std::erase_if(findings,
                [&](const FindingInfo& f) { return !f.id.empty() && !seen.insert(f.id).second; });
}

std::string ExplainGate(const GateResult& result, const std::vector<FindingInfo>& offending,
                        std::size_t total_offending, const std::string& link) {
  std::string out = "scan could not pass security tests:\n";
  for (const GateViolation& v : result.violations) out += "  - " + v.message + "\n";
  if (offending.empty()) return out;
  const std::size_t shown = std::min(offending.size(), kMaxListedFindings);
  out += fmt::format("offending findings ({} of {}, most severe first):\n", shown,
                     std::max(total_offending, shown));
  std::vector<std::vector<std::string>> rows{
      {"SEVERITY", "ISSUE", "CVE", "COMPONENT", "FIXED VERSIONS"}};
  for (std::size_t i = 0; i < shown; ++i) {
    const FindingInfo& f = offending[i];
    std::string cves = Join(f.cves, ",");
    rows.push_back({std::string(domain::SeverityName(f.severity)),
                    f.issue_id.empty() ? (cves.empty() ? f.VulnerabilityKey() : "-") : f.issue_id,
                    cves.empty() ? "-" : cves, f.ComponentLabel(),
                    f.fixed_versions.empty() ? "(no fix)" : Join(f.fixed_versions, ", ")});
  }
  out += FormatTable(rows);
  if (total_offending > shown) {
    out += fmt::format("... and {} more{}\n", total_offending - shown,
                       link.empty() ? "" : ": see " + link);
  }
  return out;
}

}  // namespace bulwark::cli
