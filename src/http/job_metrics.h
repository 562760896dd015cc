// PrometheusJobMetrics: the background jobs' figures on /metrics. The workers report through the
// jobs::JobMetrics port as they run; the queue backlogs are read from the database at each
// scrape (so every process of a shared PostgreSQL shows the same backlog).
//
//   bulwark_job_duration_seconds{kind, outcome}          histogram (kind: import, api_scan,
//                                                        webhook)
//   bulwark_webhook_delivery_failures_total{reason}      counter (timeout, http_5xx, blocked...)
//   bulwark_jobs_waiting{queue}                          gauge (queue: scans, webhooks)
//   bulwark_jobs_oldest_waiting_age_seconds{queue}       gauge, 0 when nothing waits
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "env/clock.h"
#include "jobs/job_metrics.h"
#include "storage/store.h"

namespace bulwark::http {

class PrometheusJobMetrics final : public jobs::JobMetrics {
 public:
  explicit PrometheusJobMetrics(prometheus::Registry& registry);

  void ObserveJob(std::string_view kind, std::string_view outcome, double seconds) override;
  void CountDeliveryFailure(std::string_view reason) override;

  // Sets the backlog gauges from the store; a database error leaves them as they were.
  void RefreshBacklog(storage::Store& store, env::TimePoint now);

 private:
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Family<prometheus::Counter>& failures_;
  prometheus::Family<prometheus::Gauge>& waiting_;
  prometheus::Family<prometheus::Gauge>& oldest_age_;
};

}  // namespace bulwark::http
