// Release criteria: a project's policy (the most open, untriaged findings allowed per severity)
// and the verdict on a branch's counts. Values and rules only; storage keeps the policy, http
// answers the release routes (native and kdt) from EvaluateRelease.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/lifecycle.h"

namespace bulwark::domain {

// nullopt = no limit for that severity; all nullopt = no policy.
struct ReleasePolicy {
  std::optional<std::int64_t> max_critical;
  std::optional<std::int64_t> max_high;
  std::optional<std::int64_t> max_medium;
  std::optional<std::int64_t> max_low;
  bool Empty() const { return !max_critical && !max_high && !max_medium && !max_low; }
  bool operator==(const ReleasePolicy&) const = default;
};

enum class ReleaseStatus { kUndefined, kPassed, kFailed };
// "undefined", "passed", "failed".
std::string_view ReleaseStatusName(ReleaseStatus s);

struct ReleaseViolation {
  Severity severity = Severity::kCritical;
  std::int64_t count = 0;
  std::int64_t max = 0;
  bool operator==(const ReleaseViolation&) const = default;
};

struct ReleaseVerdict {
  ReleaseStatus status = ReleaseStatus::kUndefined;
  std::vector<ReleaseViolation> violations;  // most severe first; empty unless failed
};

// Undefined without a policy; failed when a count exceeds its maximum; passed otherwise.
ReleaseVerdict EvaluateRelease(const ReleasePolicy& policy, const SeverityCounts& open_untriaged);

}  // namespace bulwark::domain
