// Numbered migrations of the SQLite schema, compiled into the binary. Append, never edit.
#include "storage/sqlite/migrations.h"

namespace bulwark::storage::sqlite {
namespace {

constexpr std::string_view kV1 = R"sql(
-- Bulwark schema, version 1. Times are Unix milliseconds UTC (BIGINT). Lists are one item per
-- line. Secrets are stored hashed (api_tokens.secret_hash) or sealed (sealed_* columns).
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role INTEGER NOT NULL CHECK (role BETWEEN 0 AND 2),
  created_at BIGINT NOT NULL
);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  secret_hash TEXT NOT NULL UNIQUE,
  role INTEGER NOT NULL CHECK (role BETWEEN 0 AND 2),
  user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE TABLE integrations (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL UNIQUE,
  active INTEGER NOT NULL DEFAULT FALSE,
  api_enabled INTEGER NOT NULL DEFAULT FALSE,
  url TEXT NOT NULL DEFAULT '',
  insecure INTEGER NOT NULL DEFAULT FALSE,
  sealed_access_token TEXT NOT NULL DEFAULT '',
  last_test_result TEXT NOT NULL DEFAULT '',
  last_tested_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  default_branch TEXT NOT NULL DEFAULT 'main',
  created_at BIGINT NOT NULL
);
CREATE TABLE scanner_configs (
  id INTEGER PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  tool TEXT NOT NULL,
  environment TEXT NOT NULL DEFAULT '',
  repository_key TEXT NOT NULL DEFAULT '',
  branch TEXT NOT NULL DEFAULT '',
  include_patterns TEXT NOT NULL DEFAULT '',
  exclude_patterns TEXT NOT NULL DEFAULT '',
  meta_data TEXT NOT NULL DEFAULT '',
  scan_tag TEXT NOT NULL DEFAULT '',
  schedule_enabled INTEGER NOT NULL DEFAULT FALSE,
  schedule_recurrence TEXT NOT NULL DEFAULT '',
  schedule_interval INTEGER NOT NULL DEFAULT 1,
  schedule_days TEXT NOT NULL DEFAULT '',
  webhook_url TEXT NOT NULL DEFAULT '',
  sealed_webhook_secret TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  UNIQUE (project_id, tool, branch)
);
CREATE TABLE scans (
  id INTEGER PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  scanner_config_id BIGINT REFERENCES scanner_configs(id) ON DELETE SET NULL,
  tool TEXT NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('kdt', 'import', 'ui-import', 'bind', 'scheduled')),
  branch TEXT NOT NULL DEFAULT '',
  environment TEXT NOT NULL DEFAULT '',
  meta_data TEXT NOT NULL DEFAULT '',
  scan_tag TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'waiting',
  progress INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  source_file_name TEXT NOT NULL DEFAULT '',
  source_sha256 TEXT NOT NULL DEFAULT '',
  xray_report_id TEXT NOT NULL DEFAULT '',
  summary_critical INTEGER NOT NULL DEFAULT 0,
  summary_high INTEGER NOT NULL DEFAULT 0,
  summary_medium INTEGER NOT NULL DEFAULT 0,
  summary_low INTEGER NOT NULL DEFAULT 0,
  summary_info INTEGER NOT NULL DEFAULT 0,
  risk_score DOUBLE PRECISION NOT NULL DEFAULT 0,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_expires_at BIGINT,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT
);
CREATE INDEX scans_project_state ON scans (project_id, state);
CREATE INDEX scans_state_lease ON scans (state, lease_expires_at);
CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  branch TEXT NOT NULL,
  tool TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  vulnerability_key TEXT NOT NULL,
  component_key TEXT NOT NULL,
  kind TEXT NOT NULL,
  violation_type TEXT NOT NULL DEFAULT '',
  severity INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 4),
  issue_id TEXT NOT NULL DEFAULT '',
  component_type TEXT NOT NULL DEFAULT '',
  component_name TEXT NOT NULL DEFAULT '',
  component_version TEXT NOT NULL DEFAULT '',
  component_id TEXT NOT NULL DEFAULT '',
  cwes TEXT NOT NULL DEFAULT '',
  fixed_versions TEXT NOT NULL DEFAULT '',
  applicability TEXT NOT NULL DEFAULT '',
  reference_urls TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  published TEXT NOT NULL DEFAULT '',
  license TEXT NOT NULL DEFAULT '',
  watch TEXT NOT NULL DEFAULT '',
  policies TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fixed')),
  first_seen_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  fixed_at BIGINT,
  first_scan_id BIGINT REFERENCES scans(id) ON DELETE SET NULL,
  last_scan_id BIGINT REFERENCES scans(id) ON DELETE SET NULL,
  UNIQUE (project_id, branch, tool, fingerprint)
);
CREATE INDEX findings_open ON findings (project_id, branch, tool, status);
CREATE TABLE finding_cves (
  id INTEGER PRIMARY KEY,
  finding_id BIGINT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
  cve_id TEXT NOT NULL DEFAULT '',
  cvss_v2_score DOUBLE PRECISION,
  cvss_v2_vector TEXT NOT NULL DEFAULT '',
  cvss_v3_score DOUBLE PRECISION,
  cvss_v3_vector TEXT NOT NULL DEFAULT '',
  cvss_v4_score DOUBLE PRECISION,
  cvss_v4_vector TEXT NOT NULL DEFAULT '',
  cwes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX finding_cves_finding ON finding_cves (finding_id);
CREATE TABLE finding_locations (
  id INTEGER PRIMARY KEY,
  finding_id BIGINT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
  artifact TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL DEFAULT '',
  impact_paths TEXT NOT NULL DEFAULT ''
);
CREATE INDEX finding_locations_finding ON finding_locations (finding_id);
CREATE TABLE finding_history (
  id INTEGER PRIMARY KEY,
  finding_id BIGINT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
  scan_id BIGINT REFERENCES scans(id) ON DELETE SET NULL,
  event TEXT NOT NULL CHECK (event IN ('new', 'seen', 'fixed', 'reopened', 'triaged')),
  detail TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL
);
CREATE INDEX finding_history_finding ON finding_history (finding_id);
CREATE TABLE triage_decisions (
  id INTEGER PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  vulnerability_key TEXT NOT NULL,
  component_name TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'false_positive', 'risk_accepted', 'not_affected')),
  reason TEXT NOT NULL DEFAULT '',
  accepted_until BIGINT,
  decided_by TEXT NOT NULL DEFAULT '',
  decided_at BIGINT NOT NULL,
  UNIQUE (project_id, vulnerability_key, component_name)
);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  aggregate_type TEXT NOT NULL DEFAULT '',
  aggregate_id BIGINT,
  payload TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  published_at BIGINT
);
CREATE INDEX events_unpublished ON events (published_at, id);
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  scanner_config_id BIGINT REFERENCES scanner_configs(id) ON DELETE SET NULL,
  url TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  last_status INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL DEFAULT '',
  target_id TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
)sql";

constexpr std::string_view kV2 = R"sql(
-- Bulwark schema, version 2: scans as durable jobs and the finding lifecycle. The version 1
-- scan and finding tables had no repository and never held rows; they are replaced.
DROP TABLE IF EXISTS finding_history;
DROP TABLE IF EXISTS finding_locations;
DROP TABLE IF EXISTS finding_cves;
DROP TABLE IF EXISTS triage_decisions;
DROP TABLE IF EXISTS findings;
DROP TABLE IF EXISTS scans;
CREATE TABLE scans (
  id INTEGER PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  scanner_config_id BIGINT REFERENCES scanner_configs(id) ON DELETE SET NULL,
  tool TEXT NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('kdt', 'import', 'ui-import', 'bind', 'scheduled')),
  branch TEXT NOT NULL DEFAULT '',
  environment TEXT NOT NULL DEFAULT '',
  meta_data TEXT NOT NULL DEFAULT '',
  scan_tag TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'starting', 'running',
    'retrieving_results', 'analyzing', 'notifying', 'finished', 'failed', 'canceled')),
  state_times TEXT NOT NULL DEFAULT '',
  progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  error TEXT,
  hint TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT FALSE,
  source_file_name TEXT NOT NULL DEFAULT '',
  source_sha256 TEXT NOT NULL DEFAULT '',
  source_path TEXT NOT NULL DEFAULT '',
  xray_report_id TEXT NOT NULL DEFAULT '',
  summary_critical INTEGER NOT NULL DEFAULT 0,
  summary_high INTEGER NOT NULL DEFAULT 0,
  summary_medium INTEGER NOT NULL DEFAULT 0,
  summary_low INTEGER NOT NULL DEFAULT 0,
  summary_info INTEGER NOT NULL DEFAULT 0,
  risk_score DOUBLE PRECISION NOT NULL DEFAULT 0,
  new_findings INTEGER NOT NULL DEFAULT 0,
  fixed_findings INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_expires_at BIGINT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT
);
CREATE INDEX scans_project ON scans (project_id, id);
CREATE INDEX scans_queue ON scans (state, id);
CREATE INDEX scans_scanner_config ON scans (scanner_config_id, state);
CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  branch TEXT NOT NULL,
  tool TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  kind TEXT NOT NULL,
  violation_type TEXT NOT NULL DEFAULT '',
  severity INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 4),
  vulnerability_key TEXT NOT NULL,
  issue_id TEXT NOT NULL DEFAULT '',
  component_type TEXT NOT NULL DEFAULT '',
  component_name TEXT NOT NULL DEFAULT '',
  component_version TEXT NOT NULL DEFAULT '',
  component_id TEXT NOT NULL DEFAULT '',
  cve_text TEXT NOT NULL DEFAULT '',
  cves TEXT NOT NULL DEFAULT '',
  cwes TEXT NOT NULL DEFAULT '',
  fixed_versions TEXT NOT NULL DEFAULT '',
  locations TEXT NOT NULL DEFAULT '',
  applicability TEXT NOT NULL DEFAULT '',
  reference_urls TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  published TEXT NOT NULL DEFAULT '',
  license TEXT NOT NULL DEFAULT '',
  watch TEXT NOT NULL DEFAULT '',
  policies TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('new', 'open', 'reopened', 'fixed')),
  first_seen_at BIGINT NOT NULL,
  first_scan_id BIGINT,
  last_seen_at BIGINT NOT NULL,
  last_scan_id BIGINT,
  fixed_at BIGINT,
  UNIQUE (project_id, branch, tool, fingerprint)
);
CREATE INDEX findings_list ON findings (project_id, branch, severity, id);
CREATE INDEX findings_status ON findings (project_id, branch, status, severity, id);
CREATE INDEX findings_project_id ON findings (project_id, id);
CREATE INDEX findings_triage_key ON findings (project_id, vulnerability_key, component_name);
CREATE TABLE finding_history (
  id INTEGER PRIMARY KEY,
  finding_id BIGINT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
  scan_id BIGINT,
  change TEXT NOT NULL CHECK (change IN ('new', 'fixed', 'reopened', 'updated', 'triaged')),
  detail TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL
);
CREATE INDEX finding_history_finding ON finding_history (finding_id, id);
CREATE TABLE triage (
  id INTEGER PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  vulnerability_key TEXT NOT NULL,
  component_name TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('false_positive', 'risk_accepted', 'not_affected')),
  reason TEXT NOT NULL DEFAULT '',
  expires_at BIGINT,
  decided_by TEXT NOT NULL DEFAULT '',
  decided_at BIGINT NOT NULL,
  UNIQUE (project_id, vulnerability_key, component_name)
);
)sql";

constexpr std::string_view kV3 = R"sql(
-- Bulwark schema, version 3: webhook deliveries as leased jobs with an attempt log, and the
-- scheduler's slot per scanner configuration. The version 1 webhook_deliveries table had no
-- repository and never held rows; it is replaced.
DROP TABLE IF EXISTS webhook_deliveries;
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  scanner_config_id BIGINT REFERENCES scanner_configs(id) ON DELETE SET NULL,
  delivery_id TEXT NOT NULL UNIQUE,
  event TEXT NOT NULL,
  url TEXT NOT NULL,
  sealed_secret TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  first_attempt_at BIGINT,
  last_status INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_expires_at BIGINT,
  created_at BIGINT NOT NULL,
  delivered_at BIGINT,
  UNIQUE (event_id, url)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_config ON webhook_deliveries (scanner_config_id, id);
CREATE TABLE webhook_attempts (
  id INTEGER PRIMARY KEY,
  delivery_row_id BIGINT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  attempted_at BIGINT NOT NULL,
  status INTEGER,
  latency_ms BIGINT NOT NULL DEFAULT 0,
  response_snippet TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_row_id, id);
-- 0 = never fired / no next run (a sentinel keeps the claim a plain equality on both backends).
ALTER TABLE scanner_configs ADD COLUMN schedule_last_fired_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scanner_configs ADD COLUMN schedule_next_run_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scanner_configs ADD COLUMN schedule_note TEXT NOT NULL DEFAULT '';
)sql";

constexpr std::string_view kV4 = R"sql(
-- Bulwark schema, version 4 (numbered after the scan and webhook migrations).
-- Browser sign-in sessions: only the hash of the cookie value is kept.
CREATE TABLE web_sessions (
  id INTEGER PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
CREATE INDEX audit_log_actor ON audit_log (actor, id);
)sql";

constexpr std::string_view kV5 = R"sql(
-- Bulwark schema, version 5: where each finished scan sits in its scope's lifecycle (so a scan's
-- snapshot can be rebuilt for diffs), per-project release policies, and the indexes of the
-- finding sort orders and the scan list filters.
-- snapshot_seq: 1, 2, 3... per (project, branch, tool) in the order snapshots were applied; NULL
-- for scans that never applied one. Finished scans of earlier versions are numbered by id.
ALTER TABLE scans ADD COLUMN snapshot_seq BIGINT;
UPDATE scans SET snapshot_seq = (SELECT COUNT(*) FROM scans s2 WHERE s2.project_id = scans.project_id
  AND s2.branch = scans.branch AND s2.tool = scans.tool AND s2.state = 'finished'
  AND s2.id <= scans.id) WHERE state = 'finished';
CREATE INDEX scans_snapshot ON scans (project_id, branch, tool, snapshot_seq);
CREATE INDEX scans_source_path ON scans (source_path);
-- NULL = no limit for that severity; no row (or all NULL) = no policy.
CREATE TABLE project_policies (
  project_id BIGINT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  max_critical BIGINT,
  max_high BIGINT,
  max_medium BIGINT,
  max_low BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX findings_first_seen ON findings (project_id, branch, first_seen_at, id);
CREATE INDEX findings_last_seen ON findings (project_id, branch, last_seen_at, id);
CREATE INDEX findings_component ON findings (project_id, branch, component_name, id);
CREATE INDEX findings_vulnerability ON findings (project_id, branch, vulnerability_key, id);
)sql";

constexpr std::string_view kV6 = R"sql(
-- Bulwark schema, version 6: the remaining fields of a scanner's schedule (kdt's api_rrule).
-- Days of month are one number per line; NULL start means the scanner's creation time.
ALTER TABLE scanner_configs ADD COLUMN schedule_days_of_month TEXT NOT NULL DEFAULT '';
ALTER TABLE scanner_configs ADD COLUMN schedule_start_at BIGINT;
ALTER TABLE scanner_configs ADD COLUMN schedule_end_at BIGINT;
ALTER TABLE scanner_configs ADD COLUMN schedule_count INTEGER;
)sql";

constexpr std::string_view kV7 = R"sql(
-- Bulwark schema, version 7: the findings list of a whole project filtered by severity (no
-- branch) reads its page and its total from this index instead of sorting the project's rows.
CREATE INDEX findings_severity ON findings (project_id, severity, id);
)sql";

}  // namespace

const std::vector<sql::Migration>& Migrations() {
  static const std::vector<sql::Migration> migrations = {
      {1, "initial schema", kV1},
      {2, "scans as jobs, finding lifecycle, triage", kV2},
      {3, "webhook deliveries and schedule slots", kV3},
      {4, "browser sessions", kV4},
      {5, "scan snapshots, release policies, finding sort indexes", kV5},
      {6, "schedule: days of month, start, end, count", kV6},
      {7, "findings by project and severity", kV7},
  };
  return migrations;
}

}  // namespace bulwark::storage::sqlite
