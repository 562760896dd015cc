// SQL of integrations, projects and scanner configurations, plus the Repositories bundle.
#include <fmt/format.h>

#include "storage/sql/query_builder.h"
#include "storage/sql/repositories.h"
#include "storage/sql/row_results.h"
#include "storage/sql/sql_store.h"

namespace bulwark::storage::sql {
namespace {

using core::ErrorCode;

Time OrNow(Time t) {
  if (t != Time{}) return t;
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// ---- integrations ----

constexpr const char* kIntegrationCols =
    "id, kind, active, api_enabled, url, insecure, sealed_access_token, last_test_result, "
    "last_tested_at, updated_at";

Integration ToIntegration(const Row& r) {
  Integration i;
  i.id = ToInt(r[0]);
  i.kind = ToText(r[1]);
  i.active = ToBool(r[2]);
  i.api_enabled = ToBool(r[3]);
  i.url = ToText(r[4]);
  i.insecure = ToBool(r[5]);
  i.sealed_access_token = ToText(r[6]);
  i.last_test_result = ToText(r[7]);
  i.last_tested_at = ToOptTime(r[8]);
  i.updated_at = ToTime(r[9]);
  return i;
}

std::vector<Value> IntegrationParams(const Integration& i) {
  return {i.kind,
          Bool(i.active),
          Bool(i.api_enabled),
          i.url,
          Bool(i.insecure),
          i.sealed_access_token,
          i.last_test_result,
          Ms(i.last_tested_at),
          Ms(OrNow(i.updated_at))};
}

class SqlIntegrations final : public IntegrationRepository {
 public:
  explicit SqlIntegrations(Session& s) : s_(s) {}
  core::Result<Integration> Create(const Integration& i) override {
    return Map<Integration>(
        One(s_.Query(fmt::format("INSERT INTO integrations (kind, active, api_enabled, url, "
                                 "insecure, sealed_access_token, last_test_result, "
                                 "last_tested_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
                                 "$7, $8, $9) RETURNING {}",
                                 kIntegrationCols),
                     IntegrationParams(i)),
            "integration"),
        ToIntegration);
  }
  core::Result<Integration> Get(std::int64_t id) override {
    return Map<Integration>(
        One(s_.Query(fmt::format("SELECT {} FROM integrations WHERE id = $1", kIntegrationCols),
                     {Int(id)}),
            fmt::format("integration {}", id)),
        ToIntegration);
  }
  core::Result<Integration> GetByKind(std::string_view kind) override {
    return Map<Integration>(
        One(s_.Query(fmt::format("SELECT {} FROM integrations WHERE kind = $1", kIntegrationCols),
                     {std::string(kind)}),
            fmt::format("integration '{}'", kind)),
        ToIntegration);
  }
  core::Status Update(const Integration& i) override {
    auto params = IntegrationParams(i);
    params.push_back(Int(i.id));
    return Touched(
        s_.Query("UPDATE integrations SET kind = $1, active = $2, api_enabled = $3, url = $4, "
                 "insecure = $5, sealed_access_token = $6, last_test_result = $7, "
                 "last_tested_at = $8, updated_at = $9 WHERE id = $10 RETURNING id",
                 params),
        fmt::format("integration {}", i.id));
  }
  core::Status Delete(std::int64_t id) override {
    return Touched(s_.Query("DELETE FROM integrations WHERE id = $1 RETURNING id", {Int(id)}),
                   fmt::format("integration {}", id));
  }
  core::Result<Page<Integration>> List(const IntegrationFilter& f,
                                       const PageRequest& page) override {
    ListQuery q(fmt::format("SELECT {} FROM integrations", kIntegrationCols));
    if (f.active) q.WhereRaw(*f.active ? "active = TRUE" : "active = FALSE");
    return RunList<Integration>(s_, q, page, ToIntegration);
  }

 private:
  Session& s_;
};

// ---- projects ----

constexpr const char* kProjectCols = "id, name, description, default_branch, created_at";

Project ToProject(const Row& r) {
  return Project{ToInt(r[0]), ToText(r[1]), ToText(r[2]), ToText(r[3]), ToTime(r[4])};
}

class SqlProjects final : public ProjectRepository {
 public:
  explicit SqlProjects(Session& s) : s_(s) {}
  core::Result<Project> Create(const Project& p) override {
    return Map<Project>(
        One(s_.Query(fmt::format("INSERT INTO projects (name, description, default_branch, "
                                 "created_at) VALUES ($1, $2, $3, $4) RETURNING {}",
                                 kProjectCols),
                     {p.name, p.description, p.default_branch, Ms(OrNow(p.created_at))}),
            "project"),
        ToProject);
  }
  core::Result<Project> Get(std::int64_t id) override {
    return Map<Project>(
        One(s_.Query(fmt::format("SELECT {} FROM projects WHERE id = $1", kProjectCols), {Int(id)}),
            fmt::format("project {}", id)),
        ToProject);
  }
  core::Result<Project> GetByName(std::string_view name) override {
    return Map<Project>(
        One(s_.Query(fmt::format("SELECT {} FROM projects WHERE name = $1", kProjectCols),
                     {std::string(name)}),
            fmt::format("project '{}'", name)),
        ToProject);
  }
  core::Status Update(const Project& p) override {
    return Touched(s_.Query("UPDATE projects SET name = $1, description = $2, default_branch = $3 "
                            "WHERE id = $4 RETURNING id",
                            {p.name, p.description, p.default_branch, Int(p.id)}),
                   fmt::format("project {}", p.id));
  }
  core::Status Delete(std::int64_t id) override {
    return Touched(s_.Query("DELETE FROM projects WHERE id = $1 RETURNING id", {Int(id)}),
                   fmt::format("project {}", id));
  }
  core::Result<Page<Project>> List(const ProjectFilter& f, const PageRequest& page) override {
    ListQuery q(fmt::format("SELECT {} FROM projects", kProjectCols));
    if (!f.name_contains.empty()) {
      q.Where("strpos(name, ${}) > 0", f.name_contains);  // no LIKE: names may hold % and _
    }
    return RunList<Project>(s_, q, page, ToProject);
  }
  core::Result<ReleasePolicy> GetPolicy(std::int64_t project_id) override {
    if (auto p = Get(project_id); !p) return std::unexpected(p.error());
    auto rows = s_.Query(
        "SELECT max_critical, max_high, max_medium, max_low FROM project_policies "
        "WHERE project_id = $1",
        {Int(project_id)});
    if (!rows) return std::unexpected(rows.error());
    ReleasePolicy policy;
    if (rows->empty()) return policy;
    auto opt = [](const Value& v) -> std::optional<std::int64_t> {
      if (!v) return std::nullopt;
      return ToInt(v);
    };
    const Row& r = rows->front();
    policy.max_critical = opt(r[0]);
    policy.max_high = opt(r[1]);
    policy.max_medium = opt(r[2]);
    policy.max_low = opt(r[3]);
    return policy;
  }
  core::Status SetPolicy(std::int64_t project_id, const ReleasePolicy& p, Time at) override {
    if (auto project = Get(project_id); !project) return std::unexpected(project.error());
    if (p.Empty()) {
      auto rows =
          s_.Query("DELETE FROM project_policies WHERE project_id = $1 RETURNING project_id",
                   {Int(project_id)});
      if (!rows) return std::unexpected(rows.error());
      return core::Ok();
    }
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? Int(*v) : Value{}; };
    auto rows = s_.Query(
        "INSERT INTO project_policies (project_id, max_critical, max_high, max_medium, max_low, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project_id) DO UPDATE SET "
        "max_critical = excluded.max_critical, max_high = excluded.max_high, "
        "max_medium = excluded.max_medium, max_low = excluded.max_low, "
        "updated_at = excluded.updated_at RETURNING project_id",
        {Int(project_id), opt(p.max_critical), opt(p.max_high), opt(p.max_medium), opt(p.max_low),
         Ms(at)});
    if (!rows) return std::unexpected(rows.error());
    return core::Ok();
  }

 private:
  Session& s_;
};

}  // namespace

std::unique_ptr<IntegrationRepository> MakeIntegrationRepository(Session& s) {
  return std::make_unique<SqlIntegrations>(s);
}
std::unique_ptr<ProjectRepository> MakeProjectRepository(Session& s) {
  return std::make_unique<SqlProjects>(s);
}

namespace {

class SqlRepositories final : public Repositories {
 public:
  explicit SqlRepositories(Session& s)
      : users_(MakeUserRepository(s)),
        tokens_(MakeTokenRepository(s)),
        integrations_(MakeIntegrationRepository(s)),
        projects_(MakeProjectRepository(s)),
        scanner_configs_(MakeScannerConfigRepository(s)),
        scans_(MakeScanRepository(s)),
        findings_(MakeFindingRepository(s)),
        events_(MakeEventRepository(s)),
        deliveries_(MakeWebhookDeliveryRepository(s)),
        slots_(MakeScheduleSlotRepository(s)),
        login_sessions_(MakeLoginSessionRepository(s)),
        audit_(MakeAuditRepository(s)),
        sealed_(MakeSealedSecretRepository(s)) {}
  UserRepository& Users() override { return *users_; }
  TokenRepository& Tokens() override { return *tokens_; }
  IntegrationRepository& Integrations() override { return *integrations_; }
  ProjectRepository& Projects() override { return *projects_; }
  ScannerConfigRepository& ScannerConfigs() override { return *scanner_configs_; }
  ScanRepository& Scans() override { return *scans_; }
  FindingRepository& Findings() override { return *findings_; }
  EventRepository& Events() override { return *events_; }
  WebhookDeliveryRepository& WebhookDeliveries() override { return *deliveries_; }
  ScheduleSlotRepository& ScheduleSlots() override { return *slots_; }
  LoginSessionRepository& LoginSessions() override { return *login_sessions_; }
  AuditRepository& Audit() override { return *audit_; }
  SealedSecretRepository& SealedSecrets() override { return *sealed_; }

 private:
  std::unique_ptr<UserRepository> users_;
  std::unique_ptr<TokenRepository> tokens_;
  std::unique_ptr<IntegrationRepository> integrations_;
  std::unique_ptr<ProjectRepository> projects_;
  std::unique_ptr<ScannerConfigRepository> scanner_configs_;
  std::unique_ptr<ScanRepository> scans_;
  std::unique_ptr<FindingRepository> findings_;
  std::unique_ptr<EventRepository> events_;
  std::unique_ptr<WebhookDeliveryRepository> deliveries_;
  std::unique_ptr<ScheduleSlotRepository> slots_;
  std::unique_ptr<LoginSessionRepository> login_sessions_;
  std::unique_ptr<AuditRepository> audit_;
  std::unique_ptr<SealedSecretRepository> sealed_;
};

}  // namespace

std::unique_ptr<Repositories> MakeRepositories(Session& session) {
  return std::make_unique<SqlRepositories>(session);
}

}  // namespace bulwark::storage::sql
