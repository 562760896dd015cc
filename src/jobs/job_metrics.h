// JobMetrics: where the background jobs report what /metrics shows about them — how long each
// job took and how it ended, and why webhook deliveries failed. The jobs only count; the HTTP
// server turns the counts into Prometheus series (http/server.h), so no metrics library is
// linked here. Implementations must be thread-safe: every worker thread reports.
#pragma once

#include <string_view>

namespace bulwark::jobs {

class JobMetrics {
 public:
  virtual ~JobMetrics() = default;
  // A job ended. `kind`: "import" (a stored upload), "api_scan" (pulled from a scanner) or
  // "webhook" (one delivery attempt). `outcome`: "finished", "failed", "canceled",
  // "handed_back" (shutdown) or "lease_lost" for scans; "delivered", "retry", "failed",
  // "disabled" for webhook attempts.
  virtual void ObserveJob(std::string_view kind, std::string_view outcome, double seconds) = 0;
  // A webhook attempt did not deliver; `reason` as in DeliveryOutcome::failure_reason.
  virtual void CountDeliveryFailure(std::string_view reason) = 0;
};

// Discards everything (the default when nobody exports metrics).
JobMetrics& NoJobMetrics();

}  // namespace bulwark::jobs
