#include "http/job_metrics.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <string>

namespace bulwark::http {

PrometheusJobMetrics::PrometheusJobMetrics(prometheus::Registry& registry)
    : durations_(prometheus::BuildHistogram()
                     .Name("bulwark_job_duration_seconds")
                     .Help("Background job duration in seconds, by kind and outcome")
                     .Register(registry)),
      failures_(prometheus::BuildCounter()
                    .Name("bulwark_webhook_delivery_failures_total")
                    .Help("Webhook delivery attempts that did not deliver, by reason")
                    .Register(registry)),
      waiting_(prometheus::BuildGauge()
                   .Name("bulwark_jobs_waiting")
                   .Help("Jobs waiting to be claimed, by queue")
                   .Register(registry)),
      oldest_age_(prometheus::BuildGauge()
                      .Name("bulwark_jobs_oldest_waiting_age_seconds")
                      .Help("Age of the oldest waiting job in seconds (0 when none waits)")
                      .Register(registry)) {}

void PrometheusJobMetrics::ObserveJob(std::string_view kind, std::string_view outcome,
                                      double seconds) {
  durations_
      .Add({{"kind", std::string(kind)}, {"outcome", std::string(outcome)}},
           prometheus::Histogram::BucketBoundaries{0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
                                                   1800, 3600})
      .Observe(seconds);
}

void PrometheusJobMetrics::CountDeliveryFailure(std::string_view reason) {
  failures_.Add({{"reason", std::string(reason)}}).Increment();
}

void PrometheusJobMetrics::RefreshBacklog(storage::Store& store, env::TimePoint now) {
  auto age = [now](const std::optional<storage::Time>& oldest) {
    if (!oldest || *oldest > now) return 0.0;
    return std::chrono::duration<double>(now - *oldest).count();
  };
  if (auto scans = store.Scans().Backlog()) {
    waiting_.Add({{"queue", "scans"}}).Set(static_cast<double>(scans->waiting));
    oldest_age_.Add({{"queue", "scans"}}).Set(age(scans->oldest_created_at));
  } else {
    spdlog::warn("metrics: scan backlog: {}", scans.error().message);
  }
  if (auto hooks = store.WebhookDeliveries().Backlog()) {
    waiting_.Add({{"queue", "webhooks"}}).Set(static_cast<double>(hooks->first));
    oldest_age_.Add({{"queue", "webhooks"}}).Set(age(hooks->second));
  } else {
    spdlog::warn("metrics: webhook backlog: {}", hooks.error().message);
  }
}

}  // namespace bulwark::http
