#include "domain/lifecycle.h"

#include <string>

namespace bulwark::domain {

std::string_view FindingStatusName(FindingStatus s) {
  switch (s) {
    case FindingStatus::kNew:
      return "new";
    case FindingStatus::kOpen:
      return "open";
    case FindingStatus::kReopened:
      return "reopened";
    case FindingStatus::kFixed:
      return "fixed";
  }
  return "open";
}

core::Result<FindingStatus> ParseFindingStatus(std::string_view text) {
  for (auto s : {FindingStatus::kNew, FindingStatus::kOpen, FindingStatus::kReopened,
                 FindingStatus::kFixed}) {
    if (FindingStatusName(s) == text) return s;
  }
  return core::Fail(core::ErrorCode::kInvalidArgument,
                    "state: '" + std::string(text) + "' is not one of new, open, reopened, fixed");
}

std::optional<FindingStatus> NextStatus(std::optional<FindingStatus> previous, bool present) {
  if (!previous) {
    if (present) return FindingStatus::kNew;
    return std::nullopt;
  }
  if (!present) return FindingStatus::kFixed;
  if (*previous == FindingStatus::kFixed) return FindingStatus::kReopened;
  return FindingStatus::kOpen;
}

std::string_view TriageStateName(TriageState s) {
  switch (s) {
    case TriageState::kFalsePositive:
      return "false_positive";
    case TriageState::kRiskAccepted:
      return "risk_accepted";
    case TriageState::kNotAffected:
      return "not_affected";
  }
  return "false_positive";
}

core::Result<TriageState> ParseTriageState(std::string_view text) {
  for (auto s :
       {TriageState::kFalsePositive, TriageState::kRiskAccepted, TriageState::kNotAffected}) {
    if (TriageStateName(s) == text) return s;
  }
  return core::Fail(core::ErrorCode::kInvalidArgument,
                    "state: '" + std::string(text) +
                        "' is not one of false_positive, risk_accepted, not_affected, open");
}

void SeverityCounts::Add(Severity s, int n) {
  switch (s) {
    case Severity::kCritical:
      critical += n;
      break;
    case Severity::kHigh:
      high += n;
      break;
    case Severity::kMedium:
      medium += n;
      break;
    case Severity::kLow:
      low += n;
      break;
    case Severity::kInfo:
      info += n;
      break;
  }
}

double RiskScore(const SeverityCounts& c, const RiskWeights& w) {
  return c.critical * w.critical + c.high * w.high + c.medium * w.medium + c.low * w.low +
         c.info * w.info;
}

}  // namespace bulwark::domain
