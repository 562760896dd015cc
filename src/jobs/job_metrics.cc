#include "jobs/job_metrics.h"

namespace bulwark::jobs {
namespace {

class NullJobMetrics final : public JobMetrics {
 public:
  void ObserveJob(std::string_view, std::string_view, double) override {}
  void CountDeliveryFailure(std::string_view) override {}
};

}  // namespace

JobMetrics& NoJobMetrics() {
  static NullJobMetrics metrics;
  return metrics;
}

}  // namespace bulwark::jobs
