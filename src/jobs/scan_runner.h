// ScanRunner: executes the scans stored as durable jobs (storage::ScanRepository). Worker threads
// claim one scan at a time under a lease they renew while working, so a crashed process's scans
// are resumed by whoever claims them after the lease expires; a scanner configuration runs one
// scan at a time (the queue query guarantees it). Two sources feed a domain::FindingSet:
//  - import methods: the stored upload, ingest::ParseFile (in memory; a refused file
//    stores nothing);
//  - bind/scheduled/kdt with a scanner config: the scanner adapter's RunApiScan, each page read
//    with ingest::ParseReportPage.
// Only a complete source reaches the lifecycle (FindingRepository::ApplySnapshot, one
// transaction); a failed or canceled scan changes no finding. A finished or failed scan leaves an
// outbox event ("scan.finished" / "scan.failed") with its summary.
//
// Thread safety: Start/Stop/Wake from any thread. RunOne is for tests and tools (synchronous).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/lifecycle.h"
#include "env/clock.h"
#include "env/crypto.h"
#include "env/http_transport.h"
#include "ingest/ingest.h"
#include "jobs/job_metrics.h"
#include "scanners/registry.h"
#include "storage/store.h"

namespace bulwark::jobs {

struct ScanRunnerOptions {
  std::string owner = "bulwark";  // lease owner: unique per process (host:pid)
  int workers = 2;
  // Nice value of the worker threads (env/thread_priority.h): 0 = the priority of requests.
  int nice = 0;
  std::chrono::milliseconds lease = std::chrono::seconds(60);
  std::chrono::milliseconds poll = std::chrono::seconds(2);  // how often idle workers look again
  // A scan claimed this many times without ending (its workers died or lost the lease) is
  // failed with the reason on the next claim instead of being run again.
  int max_attempts = 3;
  domain::RiskWeights risk_weights = {};
};

struct ScanRunnerDeps {
  storage::Store& store;
  env::Clock& clock;
  const scanners::ScannerRegistry& registry;
  env::HttpTransport& transport;
  const env::SecretKey& secret_key;  // unseals integration access tokens
  JobMetrics& metrics = NoJobMetrics();
};

class ScanRunner {
 public:
  ScanRunner(ScanRunnerDeps deps, ScanRunnerOptions options);
  ~ScanRunner();  // stops the workers

  void Start();
  // Stops claiming; running scans are told to stop and are left to be resumed by a lease holder
  // after restart (their state row stays non-final).
  void Stop();
  // Tells idle workers a scan was queued.
  void Wake();
  // Claims and runs one scan on the calling thread. False when nothing was claimable.
  core::Result<bool> RunOne();

 private:
  void WorkerLoop();
  core::Status Execute(const storage::Scan& scan, const std::atomic<bool>& cancel);
  core::Status Fail(const storage::Scan& scan, const std::string& why);
  bool LeaseLost(std::int64_t id);
  core::Status RunRemote(const storage::Scan& scan, ingest::FindingSink& sink,
                         const std::atomic<bool>& cancel);

  ScanRunnerDeps deps_;
  ScanRunnerOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;      // guarded by mu_
  std::uint64_t wakeups_ = 0;  // guarded by mu_
  std::atomic<bool> shutdown_{false};
  std::vector<std::thread> threads_;
};

}  // namespace bulwark::jobs
