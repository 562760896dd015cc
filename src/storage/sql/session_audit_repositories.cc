// SQL of browser sign-in sessions and of the audit log.
#include <fmt/format.h>

#include "storage/sql/query_builder.h"
#include "storage/sql/repositories.h"

namespace bulwark::storage::sql {
namespace {

using core::ErrorCode;

constexpr const char* kSessionCols = "id, secret_hash, user_id, created_at, expires_at";

LoginSession ToSession(const Row& r) {
  return LoginSession{ToInt(r[0]), ToText(r[1]), ToInt(r[2]), ToTime(r[3]), ToTime(r[4])};
}

class SqlLoginSessions final : public LoginSessionRepository {
 public:
  explicit SqlLoginSessions(Session& s) : s_(s) {}
  core::Result<LoginSession> Create(const LoginSession& l) override {
    auto rows = s_.Query(fmt::format("INSERT INTO web_sessions (secret_hash, user_id, created_at, "
                                     "expires_at) VALUES ($1, $2, $3, $4) RETURNING {}",
                                     kSessionCols),
                         {l.secret_hash, Int(l.user_id), Ms(l.created_at), Ms(l.expires_at)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return core::Fail(ErrorCode::kInternal, "insert returned no row");
    return ToSession(rows->front());
  }
  core::Result<LoginSession> GetBySecretHash(std::string_view hash) override {
    auto rows =
        s_.Query(fmt::format("SELECT {} FROM web_sessions WHERE secret_hash = $1", kSessionCols),
                 {std::string(hash)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return core::Fail(ErrorCode::kNotFound, "session not found");
    return ToSession(rows->front());
  }
  core::Status Delete(std::int64_t id) override {
    auto rows = s_.Query("DELETE FROM web_sessions WHERE id = $1 RETURNING id", {Int(id)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
      return core::Fail(ErrorCode::kNotFound, fmt::format("session {} not found", id));
    }
    return core::Ok();
  }
  core::Status DeleteForUser(std::int64_t user_id) override {
    auto rows =
        s_.Query("DELETE FROM web_sessions WHERE user_id = $1 RETURNING id", {Int(user_id)});
    if (!rows) return std::unexpected(rows.error());
    return core::Ok();
  }
  core::Result<std::int64_t> DeleteExpired(Time now) override {
    auto rows = s_.Query("DELETE FROM web_sessions WHERE expires_at <= $1 RETURNING id", {Ms(now)});
    if (!rows) return std::unexpected(rows.error());
    return static_cast<std::int64_t>(rows->size());
  }

 private:
  Session& s_;
};

constexpr const char* kAuditCols =
    "id, at, actor, action, target_type, target_id, detail, request_id";

AuditEntry ToEntry(const Row& r) {
  return AuditEntry{ToInt(r[0]),  ToTime(r[1]), ToText(r[2]), ToText(r[3]),
                    ToText(r[4]), ToText(r[5]), ToText(r[6]), ToText(r[7])};
}

class SqlAudit final : public AuditRepository {
 public:
  explicit SqlAudit(Session& s) : s_(s) {}
  core::Result<AuditEntry> Append(const AuditEntry& e) override {
    auto rows = s_.Query(
        fmt::format("INSERT INTO audit_log (at, actor, action, target_type, target_id, detail, "
                    "request_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {}",
                    kAuditCols),
        {Ms(e.at), e.actor, e.action, e.target_type, e.target_id, e.detail, e.request_id});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return core::Fail(ErrorCode::kInternal, "insert returned no row");
    return ToEntry(rows->front());
  }
  core::Result<Page<AuditEntry>> List(const AuditFilter& f, const PageRequest& page) override {
    ListQuery q(fmt::format("SELECT {} FROM audit_log", kAuditCols));
    if (!f.actor.empty()) q.Where("actor = ${}", f.actor);
    if (!f.action.empty()) q.Where("action = ${}", f.action);
    if (!f.target_type.empty()) q.Where("target_type = ${}", f.target_type);
    if (f.since) q.Where("at >= ${}", Ms(*f.since));
    if (f.until) q.Where("at < ${}", Ms(*f.until));
    auto sql = q.Build(page);
    if (!sql) return std::unexpected(sql.error());
    auto rows = s_.Query(*sql, q.params());
    if (!rows) return std::unexpected(rows.error());
    return ToPage<AuditEntry>(*rows, page, ToEntry);
  }

 private:
  Session& s_;
};

}  // namespace

std::unique_ptr<LoginSessionRepository> MakeLoginSessionRepository(Session& s) {
  return std::make_unique<SqlLoginSessions>(s);
}
std::unique_ptr<AuditRepository> MakeAuditRepository(Session& s) {
  return std::make_unique<SqlAudit>(s);
}

}  // namespace bulwark::storage::sql
