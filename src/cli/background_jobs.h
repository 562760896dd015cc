// BackgroundJobs: the job machinery of one `bulwark serve` process — the scan runner's leased
// workers, the scheduler and the webhook worker — started together and stopped together.
// Several processes may run them on one PostgreSQL database: every job is claimed with a lease
// or a conditional update, so each runs once (docs/operations.md, "Running several processes").
#pragma once

#include <memory>
#include <string>

#include "cli/config.h"
#include "env/clock.h"
#include "env/crypto.h"
#include "jobs/job_metrics.h"
#include "storage/store.h"

namespace bulwark::cli {

class BackgroundJobs {
 public:
  // Builds the workers without starting them; prints the problem and exits (code 2) when a
  // setting is unusable. `public_url` is this server's address, used for links in webhooks;
  // `metrics` receives job durations and delivery failures (it must outlive the jobs).
  static std::unique_ptr<BackgroundJobs> CreateOrExit(const Config& config, storage::Store& store,
                                                      env::Clock& clock, const env::SecretKey& key,
                                                      const std::string& public_url,
                                                      jobs::JobMetrics& metrics);
  ~BackgroundJobs();

  // Starts the threads. They inherit the caller's signal mask: call it after blocking the
  // signals that one thread waits for.
  void Start();

  // Stops claiming new work. Scans in progress are handed back (their lease released, resumed
  // by the next claimer); a webhook attempt in flight is finished and recorded. Idempotent.
  void Stop();

  // Tells idle scan workers that a scan was queued or canceled. Thread-safe.
  void WakeScanWorkers();

 private:
  struct State;
  explicit BackgroundJobs(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace bulwark::cli
