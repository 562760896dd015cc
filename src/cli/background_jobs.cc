#include "cli/background_jobs.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>

#include "cli/runtime.h"
#include "env/http_transport.h"
#include "jobs/scan_runner.h"
#include "jobs/scheduler.h"
#include "jobs/webhook_dispatcher.h"
#include "jobs/webhook_worker.h"
#include "scanners/registry.h"

namespace bulwark::cli {

struct BackgroundJobs::State {
  std::unique_ptr<env::HttpTransport> transport = env::MakeCurlTransport();
  scanners::ScannerRegistry registry;
  std::unique_ptr<jobs::WebhookDispatcher> dispatcher;
  std::unique_ptr<jobs::ScanRunner> runner;
  std::unique_ptr<jobs::Scheduler> scheduler;
  std::unique_ptr<jobs::WebhookWorker> webhooks;
};

namespace {

// Unique per process among all that share the database: host name and process id.
std::string LeaseOwner() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}", host[0] ? host : "localhost", getpid());
}

}  // namespace

BackgroundJobs::BackgroundJobs(std::unique_ptr<State> state) : state_(std::move(state)) {}

BackgroundJobs::~BackgroundJobs() { Stop(); }

std::unique_ptr<BackgroundJobs> BackgroundJobs::CreateOrExit(
    const Config& config, storage::Store& store, env::Clock& clock, const env::SecretKey& key,
    const std::string& public_url, jobs::JobMetrics& metrics) {
  auto state = std::make_unique<State>();
  scanners::RegisterBuiltinScanners(state->registry);
  jobs::WebhookSettings settings;
  settings.ssrf.allow_private_networks = config.webhook_allow_private_networks;
  auto dispatcher = jobs::WebhookDispatcher::Create({*state->transport, clock, {}}, settings);
  if (!dispatcher) ExitWithError("webhooks: " + dispatcher.error().message);
  state->dispatcher = std::move(*dispatcher);
  if (!config.webhook_url.empty()) {
    if (auto valid = jobs::ValidateWebhookUrl(config.webhook_url, settings.ssrf); !valid) {
      ExitWithError("webhook_url: " + valid.error().message);
    }
  }
  const std::string owner = LeaseOwner();
  jobs::ScanRunnerOptions runner_options;
  runner_options.owner = owner;
  runner_options.workers = config.workers;
  runner_options.nice = config.job_nice;
  runner_options.lease = std::chrono::seconds(config.job_lease_seconds);
  state->runner = std::make_unique<jobs::ScanRunner>(
      jobs::ScanRunnerDeps{store, clock, state->registry, *state->transport, key, metrics},
      runner_options);
  jobs::ScanRunner* runner = state->runner.get();
  state->scheduler = std::make_unique<jobs::Scheduler>(
      jobs::SchedulerDeps{store, clock, [runner] { runner->Wake(); }},
      jobs::SchedulerOptions{std::chrono::seconds(config.scheduler_interval_seconds)});
  jobs::WebhookWorkerOptions webhook_options;
  webhook_options.owner = owner;
  // Longer than one attempt (10 s time-out), so a live worker's attempt is never taken over.
  webhook_options.lease = std::chrono::seconds(std::max(config.job_lease_seconds, 15));
  webhook_options.global_url = config.webhook_url;
  webhook_options.global_secret = config.webhook_secret;
  webhook_options.public_url = public_url;
  state->webhooks = std::make_unique<jobs::WebhookWorker>(
      jobs::WebhookWorkerDeps{store, clock, *state->dispatcher, key, metrics}, webhook_options);
  spdlog::info(
      "jobs owner={} scan_workers={} job_nice={} scheduler_interval={}s lease={}s "
      "global_webhook={}",
      owner, config.workers, config.job_nice, config.scheduler_interval_seconds,
      config.job_lease_seconds,
      config.webhook_url.empty() ? "none" : jobs::RedactUrl(config.webhook_url));
  return std::unique_ptr<BackgroundJobs>(new BackgroundJobs(std::move(state)));
}

void BackgroundJobs::Start() {
  state_->runner->Start();
  state_->scheduler->Start();
  state_->webhooks->Start();
}

void BackgroundJobs::WakeScanWorkers() { state_->runner->Wake(); }

void BackgroundJobs::Stop() {
  if (!state_) return;
  state_->scheduler->Stop();  // no new scans
  state_->runner->Stop();     // running scans handed back
  state_->webhooks->Stop();   // the attempt in flight is recorded
  state_.reset();
  spdlog::info("jobs stopped");
}

}  // namespace bulwark::cli
