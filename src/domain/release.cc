#include "domain/release.h"

namespace bulwark::domain {

std::string_view ReleaseStatusName(ReleaseStatus s) {
  switch (s) {
    case ReleaseStatus::kPassed:
      return "passed";
    case ReleaseStatus::kFailed:
      return "failed";
    case ReleaseStatus::kUndefined:
      break;
  }
  return "undefined";
}

ReleaseVerdict EvaluateRelease(const ReleasePolicy& policy, const SeverityCounts& counts) {
  ReleaseVerdict verdict;
  if (policy.Empty()) return verdict;
  const std::pair<Severity, std::pair<const std::optional<std::int64_t>*, int>> checks[] = {
      {Severity::kCritical, {&policy.max_critical, counts.critical}},
      {Severity::kHigh, {&policy.max_high, counts.high}},
      {Severity::kMedium, {&policy.max_medium, counts.medium}},
      {Severity::kLow, {&policy.max_low, counts.low}}};
  for (const auto& [severity, check] : checks) {
    const auto& [max, count] = check;
    if (*max && count > **max) verdict.violations.push_back({severity, count, **max});
  }
  verdict.status = verdict.violations.empty() ? ReleaseStatus::kPassed : ReleaseStatus::kFailed;
  return verdict;
}

}  // namespace bulwark::domain
