// The severity counts and risk score shown with each project. One function, so the findings
// storage fills it in one place; until findings are stored it answers zeros.
#pragma once

#include <cstdint>

#include "http/api_context.h"

namespace bulwark::http {

struct ProjectRiskSummary {
  std::int64_t critical = 0, high = 0, medium = 0, low = 0, info = 0;
  double risk_score = 0;
};

core::Result<ProjectRiskSummary> SummarizeProject(ApiContext& ctx, std::int64_t project_id);

}  // namespace bulwark::http
