// WebhookWorker: turns outbox events into signed webhook deliveries and delivers them.
//
// Two steps, both safe to run in several processes at once:
//  - FanOut: each unpublished "scan.finished" / "scan.failed" event becomes one delivery row per
//    target (the scanner configuration's webhook, and the global webhook of the server settings
//    when set), each with its own delivery id and the exact body to send; then the event is
//    marked published. The rows are unique per (event, url), so an event fanned out by two
//    processes still yields one delivery per target.
//  - DeliverOne: claims one due delivery under a lease, makes one attempt with the
//    WebhookDispatcher, and records the attempt and the delivery's new state in one transaction
//    while still holding the lease. A delivery is therefore announced as delivered once; a crash
//    between the POST and the record means the receiver may see the same delivery id again
//    (receivers deduplicate on X-Bulwark-Delivery, see docs/webhooks.md).
//
// Thread safety: Start/Stop/Wake from any thread; FanOut/DeliverOne are for tests (synchronous).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "env/clock.h"
#include "env/crypto.h"
#include "jobs/job_metrics.h"
#include "jobs/webhook_dispatcher.h"
#include "storage/store.h"

namespace bulwark::jobs {

struct WebhookWorkerOptions {
  std::string owner = "bulwark";  // lease owner: unique per process (host:pid)
  int workers = 1;
  std::chrono::milliseconds lease = std::chrono::seconds(60);  // > the dispatcher's timeout
  std::chrono::milliseconds poll = std::chrono::seconds(1);
  std::string global_url{};     // the server-wide webhook; empty: none
  std::string global_secret{};  // its secret in clear (sealed before storage); empty: unsigned
  std::string public_url{};     // e.g. "https://bulwark.example.com", for the payload's links
};

struct WebhookWorkerDeps {
  storage::Store& store;
  env::Clock& clock;
  const WebhookDispatcher& dispatcher;
  const env::SecretKey& secret_key;  // seals and unseals webhook secrets
  JobMetrics& metrics = NoJobMetrics();
};

// Running totals since start (exported on /metrics).
struct WebhookWorkerStats {
  std::atomic<std::int64_t> delivered{0};
  std::atomic<std::int64_t> retried{0};
  std::atomic<std::int64_t> failed{0};
};

class WebhookWorker {
 public:
  WebhookWorker(WebhookWorkerDeps deps, WebhookWorkerOptions options);
  ~WebhookWorker();  // stops the workers

  void Start();
  // Stops claiming and waits for attempts in flight to be recorded.
  void Stop();
  void Wake();

  // Fans out pending outbox events; returns how many delivery rows this call inserted.
  core::Result<int> FanOut();
  // Claims and attempts one due delivery. False when none was due.
  core::Result<bool> DeliverOne();

  const WebhookWorkerStats& stats() const { return stats_; }

 private:
  void Loop();
  core::Status FanOutEvent(const storage::Event& event, int& inserted);

  WebhookWorkerDeps deps_;
  WebhookWorkerOptions options_;
  WebhookWorkerStats stats_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;      // guarded by mu_
  std::uint64_t wakeups_ = 0;  // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace bulwark::jobs
