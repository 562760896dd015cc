// SQL of a project's scanner configurations.
#include <fmt/format.h>

#include <cstdlib>

#include "storage/sql/query_builder.h"
#include "storage/sql/repositories.h"

namespace bulwark::storage::sql {
namespace {

constexpr const char* kCols =
    "id, project_id, tool, environment, repository_key, branch, include_patterns, "
    "exclude_patterns, meta_data, scan_tag, schedule_enabled, schedule_recurrence, "
    "schedule_interval, schedule_days, webhook_url, sealed_webhook_secret, created_at, "
    "schedule_days_of_month, schedule_start_at, schedule_end_at, schedule_count";

std::vector<int> ToNumbers(const Value& v) {
  std::vector<int> out;
  for (const std::string& line : ToLines(v)) out.push_back(std::atoi(line.c_str()));
  return out;
}

Value Numbers(const std::vector<int>& items) {
  std::vector<std::string> lines;
  for (int i : items) lines.push_back(std::to_string(i));
  return Lines(lines);
}

ScannerConfig ToConfig(const Row& r) {
  ScannerConfig c;
  c.id = ToInt(r[0]);
  c.project_id = ToInt(r[1]);
  c.tool = ToText(r[2]);
  c.environment = ToText(r[3]);
  c.repository_key = ToText(r[4]);
  c.branch = ToText(r[5]);
  c.include_patterns = ToLines(r[6]);
  c.exclude_patterns = ToLines(r[7]);
  c.meta_data = ToText(r[8]);
  c.scan_tag = ToText(r[9]);
  c.schedule.enabled = ToBool(r[10]);
  c.schedule.recurrence = ToText(r[11]);
  c.schedule.interval = static_cast<int>(ToInt(r[12]));
  c.schedule.days = ToLines(r[13]);
  c.webhook_url = ToText(r[14]);
  c.sealed_webhook_secret = ToText(r[15]);
  c.created_at = ToTime(r[16]);
  c.schedule.days_of_month = ToNumbers(r[17]);
  c.schedule.start_at = ToOptTime(r[18]);
  c.schedule.end_at = ToOptTime(r[19]);
  if (r[20]) c.schedule.count = static_cast<int>(ToInt(r[20]));
  return c;
}

std::vector<Value> Params(const ScannerConfig& c) {
  Time created = c.created_at != Time{} ? c.created_at
                                        : std::chrono::time_point_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now());
  return {Int(c.project_id),
          c.tool,
          c.environment,
          c.repository_key,
          c.branch,
          Lines(c.include_patterns),
          Lines(c.exclude_patterns),
          c.meta_data,
          c.scan_tag,
          Bool(c.schedule.enabled),
          c.schedule.recurrence,
          Int(c.schedule.interval),
          Lines(c.schedule.days),
          c.webhook_url,
          c.sealed_webhook_secret,
          Numbers(c.schedule.days_of_month),
          Ms(c.schedule.start_at),
          Ms(c.schedule.end_at),
          c.schedule.count ? Int(*c.schedule.count) : Value{},
          Ms(created)};
}

class SqlScannerConfigs final : public ScannerConfigRepository {
 public:
  explicit SqlScannerConfigs(Session& s) : s_(s) {}
  core::Result<ScannerConfig> Create(const ScannerConfig& c) override {
    auto rows = s_.Query(
        fmt::format(
            "INSERT INTO scanner_configs (project_id, tool, environment, repository_key, "
            "branch, include_patterns, exclude_patterns, meta_data, scan_tag, "
            "schedule_enabled, schedule_recurrence, schedule_interval, schedule_days, "
            "webhook_url, sealed_webhook_secret, schedule_days_of_month, schedule_start_at, "
            "schedule_end_at, schedule_count, created_at) VALUES ($1, $2, $3, $4, $5, "
            "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) "
            "RETURNING {}",
            kCols),
        Params(c));
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return core::Fail(core::ErrorCode::kInternal, "insert returned no row");
    return ToConfig(rows->front());
  }
  core::Result<ScannerConfig> Get(std::int64_t id) override {
    auto rows =
        s_.Query(fmt::format("SELECT {} FROM scanner_configs WHERE id = $1", kCols), {Int(id)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
      return core::Fail(core::ErrorCode::kNotFound, fmt::format("scanner config {} not found", id));
    }
    return ToConfig(rows->front());
  }
  core::Status Update(const ScannerConfig& c) override {
    auto params = Params(c);
    params.pop_back();  // created_at is immutable
    params.push_back(Int(c.id));
    auto rows = s_.Query(
        "UPDATE scanner_configs SET project_id = $1, tool = $2, environment = $3, "
        "repository_key = $4, branch = $5, include_patterns = $6, exclude_patterns = $7, "
        "meta_data = $8, scan_tag = $9, schedule_enabled = $10, schedule_recurrence = $11, "
        "schedule_interval = $12, schedule_days = $13, webhook_url = $14, "
        "sealed_webhook_secret = $15, schedule_days_of_month = $16, schedule_start_at = $17, "
        "schedule_end_at = $18, schedule_count = $19 WHERE id = $20 RETURNING id",
        params);
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
      return core::Fail(core::ErrorCode::kNotFound,
                        fmt::format("scanner config {} not found", c.id));
    }
    return core::Ok();
  }
  core::Status Delete(std::int64_t id) override {
    auto rows = s_.Query("DELETE FROM scanner_configs WHERE id = $1 RETURNING id", {Int(id)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
      return core::Fail(core::ErrorCode::kNotFound, fmt::format("scanner config {} not found", id));
    }
    return core::Ok();
  }
  core::Result<Page<ScannerConfig>> List(const ScannerConfigFilter& f,
                                         const PageRequest& page) override {
    ListQuery q(fmt::format("SELECT {} FROM scanner_configs", kCols));
    if (f.project_id) q.Where("project_id = ${}", Int(*f.project_id));
    if (!f.tool.empty()) q.Where("tool = ${}", f.tool);
    if (!f.branch.empty()) q.Where("branch = ${}", f.branch);
    if (!f.meta_data.empty()) q.Where("meta_data = ${}", f.meta_data);
    if (!f.environment.empty()) q.Where("environment = ${}", f.environment);
    auto sql = q.Build(page);
    if (!sql) return std::unexpected(sql.error());
    auto rows = s_.Query(*sql, q.params());
    if (!rows) return std::unexpected(rows.error());
    return ToPage<ScannerConfig>(*rows, page, ToConfig);
  }

 private:
  Session& s_;
};

}  // namespace

std::unique_ptr<ScannerConfigRepository> MakeScannerConfigRepository(Session& s) {
  return std::make_unique<SqlScannerConfigs>(s);
}

}  // namespace bulwark::storage::sql
