// The SQL of the repositories, common to SQLite and PostgreSQL (see session.h for the dialect).
#include "storage/sql/repositories.h"

#include <fmt/format.h>

#include "storage/sql/query_builder.h"
#include "storage/sql/row_results.h"

namespace bulwark::storage::sql {
namespace {

using core::ErrorCode;

Time NowMs() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// ---- users ----

constexpr const char* kUserCols = "id, username, password_hash, role, created_at";

User ToUser(const Row& r) {
  return User{ToInt(r[0]), ToText(r[1]), ToText(r[2]), static_cast<Role>(ToInt(r[3])),
              ToTime(r[4])};
}

class SqlUsers final : public UserRepository {
 public:
  explicit SqlUsers(Session& s) : s_(s) {}
  core::Result<User> Create(const User& u) override {
    Time created = u.created_at == Time{} ? NowMs() : u.created_at;
    return Map<User>(
        One(s_.Query(fmt::format("INSERT INTO users (username, password_hash, role, "
                                 "created_at) VALUES ($1, $2, $3, $4) RETURNING {}",
                                 kUserCols),
                     {u.username, u.password_hash, Int(static_cast<int>(u.role)), Ms(created)}),
            "user"),
        ToUser);
  }
  core::Result<User> Get(std::int64_t id) override {
    return Map<User>(
        One(s_.Query(fmt::format("SELECT {} FROM users WHERE id = $1", kUserCols), {Int(id)}),
            fmt::format("user {}", id)),
        ToUser);
  }
  core::Result<User> GetByUsername(std::string_view name) override {
    return Map<User>(
        One(s_.Query(fmt::format("SELECT {} FROM users WHERE username = $1", kUserCols),
                     {std::string(name)}),
            fmt::format("user '{}'", name)),
        ToUser);
  }
  core::Status Update(const User& u) override {
    return Touched(
        s_.Query("UPDATE users SET username = $1, password_hash = $2, role = $3 "
                 "WHERE id = $4 RETURNING id",
                 {u.username, u.password_hash, Int(static_cast<int>(u.role)), Int(u.id)}),
        fmt::format("user {}", u.id));
  }
  core::Status Delete(std::int64_t id) override {
    return Touched(s_.Query("DELETE FROM users WHERE id = $1 RETURNING id", {Int(id)}),
                   fmt::format("user {}", id));
  }
  core::Result<Page<User>> List(const UserFilter& f, const PageRequest& page) override {
    ListQuery q(fmt::format("SELECT {} FROM users", kUserCols));
    if (f.role) q.Where("role = ${}", Int(static_cast<int>(*f.role)));
    auto sql = q.Build(page);
    if (!sql) return std::unexpected(sql.error());
    auto rows = s_.Query(*sql, q.params());
    if (!rows) return std::unexpected(rows.error());
    return ToPage<User>(*rows, page, ToUser);
  }
  core::Result<std::int64_t> Count() override {
    auto row = One(s_.Query("SELECT COUNT(*) FROM users", {}), "count");
    if (!row) return std::unexpected(row.error());
    return ToInt((*row)[0]);
  }

 private:
  Session& s_;
};

// ---- API tokens ----

constexpr const char* kTokenCols =
    "id, name, secret_hash, role, user_id, created_at, expires_at, last_used_at, revoked_at";

ApiToken ToToken(const Row& r) {
  ApiToken t;
  t.id = ToInt(r[0]);
  t.name = ToText(r[1]);
  t.secret_hash = ToText(r[2]);
  t.role = static_cast<Role>(ToInt(r[3]));
  if (r[4]) t.user_id = ToInt(r[4]);
  t.created_at = ToTime(r[5]);
  t.expires_at = ToOptTime(r[6]);
  t.last_used_at = ToOptTime(r[7]);
  t.revoked_at = ToOptTime(r[8]);
  return t;
}

class SqlTokens final : public TokenRepository {
 public:
  explicit SqlTokens(Session& s) : s_(s) {}
  core::Result<ApiToken> Create(const ApiToken& t) override {
    return Map<ApiToken>(
        One(s_.Query(fmt::format("INSERT INTO api_tokens (name, secret_hash, role, user_id, "
                                 "created_at, expires_at, last_used_at, revoked_at) VALUES "
                                 "($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {}",
                                 kTokenCols),
                     {t.name, t.secret_hash, Int(static_cast<int>(t.role)),
                      t.user_id ? Int(*t.user_id) : Value{}, Ms(t.created_at), Ms(t.expires_at),
                      Ms(t.last_used_at), Ms(t.revoked_at)}),
            "token"),
        ToToken);
  }
  core::Result<ApiToken> Get(std::int64_t id) override {
    return Map<ApiToken>(
        One(s_.Query(fmt::format("SELECT {} FROM api_tokens WHERE id = $1", kTokenCols), {Int(id)}),
            fmt::format("token {}", id)),
        ToToken);
  }
  core::Result<ApiToken> GetByName(std::string_view name) override {
    return Map<ApiToken>(
        One(s_.Query(fmt::format("SELECT {} FROM api_tokens WHERE name = $1", kTokenCols),
                     {std::string(name)}),
            fmt::format("token '{}'", name)),
        ToToken);
  }
  core::Result<ApiToken> GetBySecretHash(std::string_view hash) override {
    return Map<ApiToken>(
        One(s_.Query(fmt::format("SELECT {} FROM api_tokens WHERE secret_hash = $1", kTokenCols),
                     {std::string(hash)}),
            "token"),
        ToToken);
  }
  core::Status TouchLastUsed(std::int64_t id, Time when) override {
    return Touched(s_.Query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 RETURNING id",
                            {Ms(when), Int(id)}),
                   fmt::format("token {}", id));
  }
  core::Status Revoke(std::int64_t id, Time when) override {
    return Touched(s_.Query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) "
                            "WHERE id = $2 RETURNING id",
                            {Ms(when), Int(id)}),
                   fmt::format("token {}", id));
  }
  core::Status Delete(std::int64_t id) override {
    return Touched(s_.Query("DELETE FROM api_tokens WHERE id = $1 RETURNING id", {Int(id)}),
                   fmt::format("token {}", id));
  }
  core::Result<Page<ApiToken>> List(const TokenFilter& f, const PageRequest& page) override {
    ListQuery q(fmt::format("SELECT {} FROM api_tokens", kTokenCols));
    if (!f.include_revoked) q.WhereRaw("revoked_at IS NULL");
    if (f.role) q.Where("role = ${}", Int(static_cast<int>(*f.role)));
    auto sql = q.Build(page);
    if (!sql) return std::unexpected(sql.error());
    auto rows = s_.Query(*sql, q.params());
    if (!rows) return std::unexpected(rows.error());
    return ToPage<ApiToken>(*rows, page, ToToken);
  }

 private:
  Session& s_;
};

}  // namespace

std::unique_ptr<UserRepository> MakeUserRepository(Session& s) {
  return std::make_unique<SqlUsers>(s);
}
std::unique_ptr<TokenRepository> MakeTokenRepository(Session& s) {
  return std::make_unique<SqlTokens>(s);
}

}  // namespace bulwark::storage::sql
