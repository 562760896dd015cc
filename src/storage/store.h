// Storage port: Bulwark's persistent state in domain terms. The server, the CLI and the jobs talk
// to a Store; the SQLite and PostgreSQL backends (storage/sqlite, storage/postgres) implement it
// and one contract test suite (store_contract_test.cc) runs the same cases on both.
//
// Contract shared by every repository:
// - Errors: kNotFound when the named row does not exist; kConflict when a unique rule is violated
//   (the message names the field); kInvalidArgument for a reference to a missing parent row;
//   kUnavailable when the database cannot be reached (retrying later may succeed); kInternal for
//   anything else. A failed call changes nothing.
// - Times are UTC, stored with millisecond precision.
// - List() returns rows ordered by id ascending, at most `page.limit` of them, and a cursor that
//   is empty on the last page; pass it back in `page.cursor` to read the next page. Cursors are
//   opaque strings.
// - Secrets never reach storage in clear: tokens arrive hashed, integration access tokens and
//   webhook secrets arrive sealed (env/crypto.h).
//
// Thread safety: a Store and the repositories it hands out may be used from many threads.
// Adding an aggregate (scans, findings, ...) = a new repository interface here, an accessor on
// Repositories, and its SQL in storage/sql.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "domain/release.h"
#include "storage/findings.h"
#include "storage/page.h"
#include "storage/scans.h"
#include "storage/webhooks.h"

namespace bulwark::storage {

enum class Role { kViewer = 0, kMember = 1, kAdmin = 2 };  // ordered: higher grants more

std::string_view RoleName(Role role);
// Parses "admin", "member" or "viewer".
core::Result<Role> ParseRole(std::string_view text);

struct User {
  std::int64_t id = 0;
  std::string username;       // unique
  std::string password_hash;  // crypto_pwhash_str output
  Role role = Role::kViewer;
  Time created_at{};
};

struct UserFilter {
  std::optional<Role> role;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  // Inserts `user` (id and created_at are assigned) and returns the stored row.
  virtual core::Result<User> Create(const User& user) = 0;
  virtual core::Result<User> Get(std::int64_t id) = 0;
  virtual core::Result<User> GetByUsername(std::string_view username) = 0;
  // Replaces username, password hash and role of the row with user.id.
  virtual core::Status Update(const User& user) = 0;
  virtual core::Status Delete(std::int64_t id) = 0;
  virtual core::Result<Page<User>> List(const UserFilter& filter, const PageRequest& page) = 0;
  virtual core::Result<std::int64_t> Count() = 0;
};

struct ApiToken {
  std::int64_t id = 0;
  std::string name;         // unique
  std::string secret_hash;  // env::HashToken of the secret; unique
  Role role = Role::kViewer;
  std::optional<std::int64_t> user_id;  // the user it acts for, if any
  Time created_at{};
  std::optional<Time> expires_at;
  std::optional<Time> last_used_at;
  std::optional<Time> revoked_at;  // set once revoked; a revoked token never authenticates
};

struct TokenFilter {
  bool include_revoked = true;
  std::optional<Role> role;
};

class TokenRepository {
 public:
  virtual ~TokenRepository() = default;
  // Inserts `token` (id assigned; created_at kept as given so callers use their Clock).
  virtual core::Result<ApiToken> Create(const ApiToken& token) = 0;
  virtual core::Result<ApiToken> Get(std::int64_t id) = 0;
  virtual core::Result<ApiToken> GetByName(std::string_view name) = 0;
  virtual core::Result<ApiToken> GetBySecretHash(std::string_view secret_hash) = 0;
  virtual core::Status TouchLastUsed(std::int64_t id, Time when) = 0;
  // kNotFound if absent; revoking twice keeps the first revocation time.
  virtual core::Status Revoke(std::int64_t id, Time when) = 0;
  virtual core::Status Delete(std::int64_t id) = 0;
  virtual core::Result<Page<ApiToken>> List(const TokenFilter& filter, const PageRequest& page) = 0;
};

struct Integration {
  std::int64_t id = 0;
  std::string kind;  // unique scanner kind, e.g. "jfrogxraysca"
  bool active = false;
  bool api_enabled = false;
  std::string url;
  bool insecure = false;
  std::string sealed_access_token;  // env::Seal output; empty when none
  std::string last_test_result;     // human text of the last connection test, "" if never
  std::optional<Time> last_tested_at;
  Time updated_at{};
};

struct IntegrationFilter {
  std::optional<bool> active;
};

class IntegrationRepository {
 public:
  virtual ~IntegrationRepository() = default;
  virtual core::Result<Integration> Create(const Integration& integration) = 0;
  virtual core::Result<Integration> Get(std::int64_t id) = 0;
  virtual core::Result<Integration> GetByKind(std::string_view kind) = 0;
  virtual core::Status Update(const Integration& integration) = 0;
  virtual core::Status Delete(std::int64_t id) = 0;
  virtual core::Result<Page<Integration>> List(const IntegrationFilter& filter,
                                               const PageRequest& page) = 0;
};

struct Project {
  std::int64_t id = 0;
  std::string name;  // unique
  std::string description;
  std::string default_branch = "main";
  Time created_at{};
};

using domain::ReleasePolicy;

struct ProjectFilter {
  std::string name_contains;  // case-sensitive substring; empty = all
};

class ProjectRepository {
 public:
  virtual ~ProjectRepository() = default;
  virtual core::Result<Project> Create(const Project& project) = 0;
  virtual core::Result<Project> Get(std::int64_t id) = 0;
  virtual core::Result<Project> GetByName(std::string_view name) = 0;
  virtual core::Status Update(const Project& project) = 0;
  // Deleting a project deletes its scanner configurations.
  virtual core::Status Delete(std::int64_t id) = 0;
  virtual core::Result<Page<Project>> List(const ProjectFilter& filter,
                                           const PageRequest& page) = 0;
  // The project's release policy (empty when none was set); kNotFound for an unknown project.
  virtual core::Result<ReleasePolicy> GetPolicy(std::int64_t project_id) = 0;
  // Replaces the policy; an empty one removes it. kNotFound for an unknown project.
  virtual core::Status SetPolicy(std::int64_t project_id, const ReleasePolicy& policy, Time at) = 0;
};

// A scanner's schedule as entered (kdt's api_rrule fields); jobs::ScheduleOf turns it into fire
// times. Unset optional fields take their defaults there.
struct Schedule {
  bool enabled = false;
  std::string recurrence;  // "hourly", "daily", "weekly", "monthly" or ""
  int interval = 1;
  std::vector<std::string> days;     // days of week, e.g. {"mon", "thu"}
  std::vector<int> days_of_month{};  // 1..31 (monthly)
  std::optional<Time> start_at{};    // nullopt: the scanner's creation time
  std::optional<Time> end_at{};      // inclusive
  std::optional<int> count{};        // at most this many runs

  friend bool operator==(const Schedule&, const Schedule&) = default;
};

struct ScannerConfig {
  std::int64_t id = 0;
  std::int64_t project_id = 0;
  std::string tool;  // e.g. "jfrogxraysca"
  std::string environment;
  std::string repository_key;
  std::string branch;  // unique per (project, tool, branch)
  std::vector<std::string> include_patterns;
  std::vector<std::string> exclude_patterns;
  std::string meta_data;
  std::string scan_tag;
  Schedule schedule;
  std::string webhook_url;
  std::string sealed_webhook_secret;  // env::Seal output; empty when none
  Time created_at{};
};

struct ScannerConfigFilter {
  std::optional<std::int64_t> project_id;
  std::string tool;         // empty = any
  std::string branch;       // empty = any
  std::string meta_data;    // empty = any
  std::string environment;  // empty = any
};

class ScannerConfigRepository {
 public:
  virtual ~ScannerConfigRepository() = default;
  // kInvalidArgument when project_id names no project.
  virtual core::Result<ScannerConfig> Create(const ScannerConfig& config) = 0;
  virtual core::Result<ScannerConfig> Get(std::int64_t id) = 0;
  virtual core::Status Update(const ScannerConfig& config) = 0;
  virtual core::Status Delete(std::int64_t id) = 0;
  virtual core::Result<Page<ScannerConfig>> List(const ScannerConfigFilter& filter,
                                                 const PageRequest& page) = 0;
};

// A signed-in browser session. The cookie value is a random token shown only to the browser;
// the database keeps its hash. Expired sessions never authenticate.
struct LoginSession {
  std::int64_t id = 0;
  std::string secret_hash;  // env::HashToken of the cookie value; unique
  std::int64_t user_id = 0;
  Time created_at{};
  Time expires_at{};
};

class LoginSessionRepository {
 public:
  virtual ~LoginSessionRepository() = default;
  // kInvalidArgument when user_id names no user.
  virtual core::Result<LoginSession> Create(const LoginSession& session) = 0;
  virtual core::Result<LoginSession> GetBySecretHash(std::string_view secret_hash) = 0;
  virtual core::Status Delete(std::int64_t id) = 0;
  // Removes every session of the user (password change, deletion); not an error when none.
  virtual core::Status DeleteForUser(std::int64_t user_id) = 0;
  // Removes sessions whose expiry is at or before `now`; returns how many.
  virtual core::Result<std::int64_t> DeleteExpired(Time now) = 0;
};

// One change made through the API or CLI: who, what, when, on what.
struct AuditEntry {
  std::int64_t id = 0;
  Time at{};
  std::string actor;        // "user:alice", "token:ci" or "cli"
  std::string action;       // e.g. "project.create", "integration.update"
  std::string target_type;  // e.g. "project"
  std::string target_id;
  std::string detail;  // short human text; never a secret
  std::string request_id;
};

struct AuditFilter {
  std::string actor;        // exact; empty = any
  std::string action;       // exact; empty = any
  std::string target_type;  // exact; empty = any
  std::optional<Time> since;
  std::optional<Time> until;  // exclusive
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  virtual core::Result<AuditEntry> Append(const AuditEntry& entry) = 0;
  virtual core::Result<Page<AuditEntry>> List(const AuditFilter& filter,
                                              const PageRequest& page) = 0;
};

// A secret sealed at rest (env::Seal) and where it is kept: for re-sealing them all under a new
// key (`bulwark secret rotate`).
struct SealedSecret {
  std::string table;  // "integrations", "scanner_configs" or "webhook_deliveries"
  std::int64_t id = 0;
  std::string sealed;
};

class SealedSecretRepository {
 public:
  virtual ~SealedSecretRepository() = default;
  // Every non-empty sealed value of the database, ordered by table then id.
  virtual core::Result<std::vector<SealedSecret>> List() = 0;
  // Replaces one sealed value; kNotFound when its row is gone, kInvalidArgument for another table.
  virtual core::Status Replace(const SealedSecret& secret) = 0;
};

// The per-aggregate repositories. Outside a transaction each call commits on its own; inside
// Store::WithTransaction all calls share the transaction.
class Repositories {
 public:
  virtual ~Repositories() = default;
  virtual UserRepository& Users() = 0;
  virtual TokenRepository& Tokens() = 0;
  virtual IntegrationRepository& Integrations() = 0;
  virtual ProjectRepository& Projects() = 0;
  virtual ScannerConfigRepository& ScannerConfigs() = 0;
  virtual ScanRepository& Scans() = 0;
  virtual FindingRepository& Findings() = 0;
  virtual EventRepository& Events() = 0;
  virtual WebhookDeliveryRepository& WebhookDeliveries() = 0;
  virtual ScheduleSlotRepository& ScheduleSlots() = 0;
  virtual LoginSessionRepository& LoginSessions() = 0;
  virtual AuditRepository& Audit() = 0;
  virtual SealedSecretRepository& SealedSecrets() = 0;
};

struct SchemaStatus {
  int applied_version = 0;  // highest migration recorded in the database
  int binary_version = 0;   // highest migration this binary knows
};

class Store : public Repositories {
 public:
  // Runs `fn` in one transaction: commits when it returns success, rolls back (leaving nothing)
  // when it returns an error or throws. Returns fn's error, or the commit's. Do not use the
  // Store's own accessors inside fn; use the Repositories passed in.
  virtual core::Status WithTransaction(const std::function<core::Status(Repositories&)>& fn) = 0;
  // Checks the database answers and its schema is the binary's (for /readyz).
  virtual core::Result<SchemaStatus> CheckReady() = 0;
  // "sqlite" or "postgresql".
  virtual std::string_view Backend() const = 0;
};

// Opens the database named by `url` and applies pending migrations in one transaction.
// `sqlite:///abs/file.db`, `sqlite://relative/file.db`, `postgresql://user@host:port/db` (any
// libpq URI, `postgres://` too). kInvalidArgument for a malformed URL, kUnavailable when the
// database is unreachable, kConflict when the database schema is newer than this binary.
// Defined in storage/open_store.cc (target bulwark_storage_backends).
core::Result<std::unique_ptr<Store>> OpenStore(std::string_view url);

}  // namespace bulwark::storage
