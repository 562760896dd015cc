// Webhook deliveries and schedule slots: the durable state of the webhook worker and of the
// scheduler (jobs/webhook_worker.h, jobs/scheduler.h). Part of the storage port (store.h).
//
// Deliveries are a job queue like scans: a worker claims one due row under a lease, makes one
// attempt, and records it with RecordAttempt, which stores the attempt log row and the
// delivery's new state in one statement pair inside one transaction, and only while the worker
// still holds the lease. So a delivery is never marked delivered twice, and a crashed worker's
// delivery is attempted again after its lease expires.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "storage/page.h"

namespace bulwark::storage {

// "pending" (waiting for an attempt), "delivered", "failed" (given up or refused for good).
struct WebhookDeliveryRow {
  std::int64_t id = 0;
  std::int64_t event_id = 0;                      // the outbox event announced
  std::optional<std::int64_t> scanner_config_id;  // nullopt: the global webhook
  std::string delivery_id;                        // X-Bulwark-Delivery, unique
  std::string event;                              // "scan.finished", ...
  std::string url;
  std::string sealed_secret;  // env::Seal output; empty: unsigned
  std::string body;           // the exact bytes sent on every attempt
  std::string state = "pending";
  int attempts = 0;
  std::optional<Time> next_attempt_at;  // nullopt: due at once
  std::optional<Time> first_attempt_at;
  std::optional<int> last_status;
  std::string last_error;
  std::string lease_owner;
  std::optional<Time> lease_expires_at;
  Time created_at{};
  std::optional<Time> delivered_at;
};

// One attempt, as shown in the delivery log.
struct WebhookAttempt {
  std::int64_t delivery_row_id = 0;
  int attempt = 0;  // 1-based
  Time attempted_at{};
  std::optional<int> status;  // HTTP status when a response came back
  std::int64_t latency_ms = 0;
  std::string response_snippet;
  std::string error;
  std::string outcome;  // "delivered", "retry", "failed", "disabled"
};

// What RecordAttempt stores on the delivery row.
struct DeliveryUpdate {
  std::string state;  // "pending" (retry), "delivered" or "failed"
  std::optional<Time> next_attempt_at;
  Time first_attempt_at{};
};

struct WebhookDeliveryFilter {
  std::optional<std::int64_t> scanner_config_id;
  std::optional<std::int64_t> event_id;
};

class WebhookDeliveryRepository {
 public:
  virtual ~WebhookDeliveryRepository() = default;
  // Inserts a pending delivery unless one for (event_id, url) exists already. Returns whether a
  // row was inserted (false: another process fanned this event out first).
  virtual core::Result<bool> Enqueue(const WebhookDeliveryRow& row) = 0;
  virtual core::Result<WebhookDeliveryRow> Get(std::int64_t id) = 0;
  virtual core::Result<Page<WebhookDeliveryRow>> List(const WebhookDeliveryFilter& filter,
                                                      const PageRequest& page) = 0;
  // Leases the oldest pending delivery that is due (next_attempt_at <= now) and not under a
  // live lease to `owner` until `lease_until`. nullopt when none is due.
  virtual core::Result<std::optional<WebhookDeliveryRow>> ClaimDue(std::string_view owner, Time now,
                                                                   Time lease_until) = 0;
  // Appends `attempt` to the log and applies `update` (attempts + 1, lease released), only while
  // `owner` holds the lease; kConflict when it lost it (nothing is written then). Call inside
  // Store::WithTransaction so both writes land together.
  virtual core::Status RecordAttempt(std::int64_t id, std::string_view owner,
                                     const WebhookAttempt& attempt,
                                     const DeliveryUpdate& update) = 0;
  // Oldest first.
  virtual core::Result<std::vector<WebhookAttempt>> Attempts(std::int64_t id) = 0;
  // Puts a delivered or failed delivery back in the queue, due at `now` (redeliver).
  virtual core::Status Requeue(std::int64_t id, Time now) = 0;
  // Pending deliveries and the creation time of the oldest (for /metrics).
  virtual core::Result<std::pair<std::int64_t, std::optional<Time>>> Backlog() = 0;
};

// The scheduler's memory of a scanner configuration's schedule.
struct ScheduleSlot {
  std::int64_t scanner_config_id = 0;
  std::optional<Time> last_fired_at;  // the slot fired last; nullopt: never
  std::optional<Time> next_run_at;    // shown to users
  std::string note;                   // e.g. why the last due run was skipped
};

class ScheduleSlotRepository {
 public:
  virtual ~ScheduleSlotRepository() = default;
  // Scanner configurations whose schedule is enabled, id ascending.
  virtual core::Result<std::vector<std::int64_t>> EnabledConfigs() = 0;
  virtual core::Result<ScheduleSlot> Get(std::int64_t scanner_config_id) = 0;
  // Claims the slot `fired` of a configuration whose last fired slot is still `expected`: sets
  // last_fired_at, next_run_at and note in one conditional UPDATE. Returns false when another
  // process claimed it first (so each due run fires exactly once across processes).
  virtual core::Result<bool> Claim(std::int64_t scanner_config_id, std::optional<Time> expected,
                                   Time fired, std::optional<Time> next, std::string_view note) = 0;
  // Stores the next run time (and note) without firing.
  virtual core::Status SetNextRun(std::int64_t scanner_config_id, std::optional<Time> next,
                                  std::string_view note) = 0;
  // Whether the configuration has a scan in a non-final state.
  virtual core::Result<bool> HasActiveScan(std::int64_t scanner_config_id) = 0;
};

}  // namespace bulwark::storage
