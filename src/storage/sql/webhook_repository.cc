// SQL of webhook deliveries (leased jobs with an attempt log) and of schedule slots.
#include <fmt/format.h>

#include "storage/sql/query_builder.h"
#include "storage/sql/repositories.h"

namespace bulwark::storage::sql {
namespace {

constexpr const char* kDeliveryCols =
    "id, event_id, scanner_config_id, delivery_id, event, url, sealed_secret, body, state, "
    "attempts, next_attempt_at, first_attempt_at, last_status, last_error, lease_owner, "
    "lease_expires_at, created_at, delivered_at";

WebhookDeliveryRow ToDelivery(const Row& r) {
  WebhookDeliveryRow d;
  d.id = ToInt(r[0]);
  d.event_id = ToInt(r[1]);
  if (r[2]) d.scanner_config_id = ToInt(r[2]);
  d.delivery_id = ToText(r[3]);
  d.event = ToText(r[4]);
  d.url = ToText(r[5]);
  d.sealed_secret = ToText(r[6]);
  d.body = ToText(r[7]);
  d.state = ToText(r[8]);
  d.attempts = static_cast<int>(ToInt(r[9]));
  d.next_attempt_at = ToOptTime(r[10]);
  d.first_attempt_at = ToOptTime(r[11]);
  if (r[12]) d.last_status = static_cast<int>(ToInt(r[12]));
  d.last_error = ToText(r[13]);
  d.lease_owner = ToText(r[14]);
  d.lease_expires_at = ToOptTime(r[15]);
  d.created_at = ToTime(r[16]);
  d.delivered_at = ToOptTime(r[17]);
  return d;
}

core::Status NotFoundUnlessTouched(core::Result<Rows> rows, std::string_view what) {
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty())
    return core::Fail(core::ErrorCode::kNotFound, fmt::format("{} not found", what));
  return core::Ok();
}

class SqlDeliveries final : public WebhookDeliveryRepository {
 public:
  explicit SqlDeliveries(Session& s) : s_(s) {}

  core::Result<bool> Enqueue(const WebhookDeliveryRow& d) override {
    auto rows = s_.Query(
        "INSERT INTO webhook_deliveries (event_id, scanner_config_id, delivery_id, event, url, "
        "sealed_secret, body, state, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, "
        "$7, 'pending', $8, $9) ON CONFLICT (event_id, url) DO NOTHING RETURNING id",
        {Int(d.event_id), d.scanner_config_id ? Int(*d.scanner_config_id) : Value{}, d.delivery_id,
         d.event, d.url, d.sealed_secret, d.body, Ms(d.next_attempt_at), Ms(d.created_at)});
    if (!rows) return std::unexpected(rows.error());
    return !rows->empty();
  }
  core::Result<WebhookDeliveryRow> Get(std::int64_t id) override {
    auto rows = s_.Query(
        fmt::format("SELECT {} FROM webhook_deliveries WHERE id = $1", kDeliveryCols), {Int(id)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
      return core::Fail(core::ErrorCode::kNotFound,
                        fmt::format("webhook delivery {} not found", id));
    }
    return ToDelivery(rows->front());
  }
  core::Result<Page<WebhookDeliveryRow>> List(const WebhookDeliveryFilter& f,
                                              const PageRequest& page) override {
    ListQuery q(fmt::format("SELECT {} FROM webhook_deliveries", kDeliveryCols));
    if (f.scanner_config_id) q.Where("scanner_config_id = ${}", Int(*f.scanner_config_id));
    if (f.event_id) q.Where("event_id = ${}", Int(*f.event_id));
    auto sql = q.Build(page);
    if (!sql) return std::unexpected(sql.error());
    auto rows = s_.Query(*sql, q.params());
    if (!rows) return std::unexpected(rows.error());
    return ToPage<WebhookDeliveryRow>(*rows, page, ToDelivery);
  }
  core::Result<std::optional<WebhookDeliveryRow>> ClaimDue(std::string_view owner, Time now,
                                                           Time lease_until) override {
    constexpr const char* kDue =
        "state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $2) AND "
        "(lease_expires_at IS NULL OR lease_expires_at < $2)";
    auto rows = s_.Query(
        fmt::format(
            "UPDATE webhook_deliveries SET lease_owner = $1, lease_expires_at = $3 WHERE "
            "id = (SELECT id FROM webhook_deliveries WHERE {} ORDER BY id LIMIT 1{}) AND {} "
            "RETURNING {}",
            kDue, s_.SkipLockedClause(), kDue, kDeliveryCols),
        {std::string(owner), Ms(now), Ms(lease_until)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::optional<WebhookDeliveryRow>();
    return std::optional<WebhookDeliveryRow>(ToDelivery(rows->front()));
  }
  core::Status RecordAttempt(std::int64_t id, std::string_view owner, const WebhookAttempt& a,
                             const DeliveryUpdate& u) override {
    auto updated = s_.Query(
        "UPDATE webhook_deliveries SET state = $3, attempts = attempts + 1, next_attempt_at = $4, "
        "first_attempt_at = COALESCE(first_attempt_at, $5), last_status = $6, last_error = $7, "
        "delivered_at = CASE WHEN $3 = 'delivered' THEN $8 ELSE delivered_at END, "
        "lease_owner = '', lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2 AND "
        "state = 'pending' RETURNING id",
        {Int(id), std::string(owner), u.state, Ms(u.next_attempt_at), Ms(u.first_attempt_at),
         a.status ? Int(*a.status) : Value{}, a.error, Ms(a.attempted_at)});
    if (!updated) return std::unexpected(updated.error());
    if (updated->empty()) {
      return core::Fail(core::ErrorCode::kConflict,
                        fmt::format("webhook delivery {}: lease lost by {}", id, owner));
    }
    auto logged = s_.Query(
        "INSERT INTO webhook_attempts (delivery_row_id, attempt, attempted_at, status, "
        "latency_ms, response_snippet, error, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "RETURNING id",
        {Int(id), Int(a.attempt), Ms(a.attempted_at), a.status ? Int(*a.status) : Value{},
         Int(a.latency_ms), a.response_snippet, a.error, a.outcome});
    if (!logged) return std::unexpected(logged.error());
    return core::Ok();
  }
  core::Result<std::vector<WebhookAttempt>> Attempts(std::int64_t id) override {
    auto rows = s_.Query(
        "SELECT delivery_row_id, attempt, attempted_at, status, latency_ms, response_snippet, "
        "error, outcome FROM webhook_attempts WHERE delivery_row_id = $1 ORDER BY id",
        {Int(id)});
    if (!rows) return std::unexpected(rows.error());
    std::vector<WebhookAttempt> out;
    for (const Row& r : *rows) {
      WebhookAttempt a;
      a.delivery_row_id = ToInt(r[0]);
      a.attempt = static_cast<int>(ToInt(r[1]));
      a.attempted_at = ToTime(r[2]);
      if (r[3]) a.status = static_cast<int>(ToInt(r[3]));
      a.latency_ms = ToInt(r[4]);
      a.response_snippet = ToText(r[5]);
      a.error = ToText(r[6]);
      a.outcome = ToText(r[7]);
      out.push_back(std::move(a));
    }
    return out;
  }
  core::Status Requeue(std::int64_t id, Time now) override {
    return NotFoundUnlessTouched(
        s_.Query("UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $2, "
                 "first_attempt_at = NULL, lease_owner = '', lease_expires_at = NULL WHERE id = "
                 "$1 RETURNING id",
                 {Int(id), Ms(now)}),
        fmt::format("webhook delivery {}", id));
  }
  core::Result<std::pair<std::int64_t, std::optional<Time>>> Backlog() override {
    auto rows = s_.Query(
        "SELECT COUNT(*), MIN(created_at) FROM webhook_deliveries WHERE state = 'pending'", {});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::pair<std::int64_t, std::optional<Time>>{0, std::nullopt};
    return std::pair<std::int64_t, std::optional<Time>>{ToInt(rows->front()[0]),
                                                        ToOptTime(rows->front()[1])};
  }

 private:
  Session& s_;
};

// 0 in the slot columns means "none" (see migration 3).
Value SlotMs(const std::optional<Time>& t) { return t ? Ms(*t) : Value("0"); }
std::optional<Time> FromSlot(const Value& v) {
  if (ToInt(v) == 0) return std::nullopt;
  return ToTime(v);
}

class SqlScheduleSlots final : public ScheduleSlotRepository {
 public:
  explicit SqlScheduleSlots(Session& s) : s_(s) {}

  core::Result<std::vector<std::int64_t>> EnabledConfigs() override {
    auto rows = s_.Query("SELECT id FROM scanner_configs WHERE schedule_enabled = $1 ORDER BY id",
                         {Bool(true)});
    if (!rows) return std::unexpected(rows.error());
    std::vector<std::int64_t> out;
    for (const Row& r : *rows) out.push_back(ToInt(r[0]));
    return out;
  }
  core::Result<ScheduleSlot> Get(std::int64_t id) override {
    auto rows = s_.Query(
        "SELECT id, schedule_last_fired_at, schedule_next_run_at, schedule_note FROM "
        "scanner_configs WHERE id = $1",
        {Int(id)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
      return core::Fail(core::ErrorCode::kNotFound,
                        fmt::format("scanner configuration {} not found", id));
    }
    const Row& r = rows->front();
    return ScheduleSlot{ToInt(r[0]), FromSlot(r[1]), FromSlot(r[2]), ToText(r[3])};
  }
  core::Result<bool> Claim(std::int64_t id, std::optional<Time> expected, Time fired,
                           std::optional<Time> next, std::string_view note) override {
    auto rows = s_.Query(
        "UPDATE scanner_configs SET schedule_last_fired_at = $3, schedule_next_run_at = $4, "
        "schedule_note = $5 WHERE id = $1 AND schedule_last_fired_at = $2 RETURNING id",
        {Int(id), SlotMs(expected), Ms(fired), SlotMs(next), std::string(note)});
    if (!rows) return std::unexpected(rows.error());
    return !rows->empty();
  }
  core::Status SetNextRun(std::int64_t id, std::optional<Time> next,
                          std::string_view note) override {
    return NotFoundUnlessTouched(
        s_.Query("UPDATE scanner_configs SET schedule_next_run_at = $2, schedule_note = $3 WHERE "
                 "id = $1 RETURNING id",
                 {Int(id), SlotMs(next), std::string(note)}),
        fmt::format("scanner configuration {}", id));
  }
  core::Result<bool> HasActiveScan(std::int64_t id) override {
    auto rows = s_.Query(
        "SELECT id FROM scans WHERE scanner_config_id = $1 AND state NOT IN ('finished', "
        "'failed', 'canceled') LIMIT 1",
        {Int(id)});
    if (!rows) return std::unexpected(rows.error());
    return !rows->empty();
  }

 private:
  Session& s_;
};

}  // namespace

std::unique_ptr<WebhookDeliveryRepository> MakeWebhookDeliveryRepository(Session& s) {
  return std::make_unique<SqlDeliveries>(s);
}
std::unique_ptr<ScheduleSlotRepository> MakeScheduleSlotRepository(Session& s) {
  return std::make_unique<SqlScheduleSlots>(s);
}

}  // namespace bulwark::storage::sql
