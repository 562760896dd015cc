// /api/v1/users (admin) and /api/v1/tokens (each user their own; admin all). Passwords arrive
// only to be hashed; a new token's secret is answered once and stored only as a hash.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/request_json.h"
#include "http/routes.h"
#include "jobs/schedule.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;
using nlohmann::json;
using storage::Role;

constexpr std::size_t kMinPassword = 8;

json UserJson(const storage::User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"role", storage::RoleName(u.role)},
          {"created_at", IsoTime(u.created_at)}};
}

json OptTime(const std::optional<storage::Time>& t) {
  return t ? json(IsoTime(*t)) : json(nullptr);
}

json TokenJson(const storage::ApiToken& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"role", storage::RoleName(t.role)},
          {"user_id", t.user_id ? json(*t.user_id) : json(nullptr)},
          {"created_at", IsoTime(t.created_at)},
          {"expires_at", OptTime(t.expires_at)},
          {"last_used_at", OptTime(t.last_used_at)},
          {"revoked_at", OptTime(t.revoked_at)}};
}

core::Result<std::optional<Role>> RoleField(const JsonFields& f) {
  auto text = f.OptString("role");
  if (!text) return std::unexpected(text.error());
  if (!*text) return std::optional<Role>{};
  auto role = storage::ParseRole(**text);
  if (!role) return std::unexpected(f.FieldError("role", "must be admin, member or viewer"));
  return std::optional<Role>{*role};
}

core::Result<std::string> PasswordHash(const JsonFields& f) {
  auto password = f.RequiredString("password");
  if (!password) return std::unexpected(password.error());
  if (password->size() < kMinPassword) {
    return std::unexpected(
        f.FieldError("password", fmt::format("at least {} characters", kMinPassword)));
  }
  return env::HashPassword(*password);
}

// kConflict when `user` is the last administrator and would stop being one.
core::Status KeepAnAdmin(storage::Repositories& repos, const storage::User& user) {
  if (user.role != Role::kAdmin) return core::Ok();
  auto admins = repos.Users().List({Role::kAdmin}, {2, ""});
  if (!admins) return std::unexpected(admins.error());
  if (admins->items.size() <= 1) {
    return core::Fail(ErrorCode::kConflict,
                      "this is the last administrator; make another user admin first");
  }
  return core::Ok();
}

void CreateUser(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                const Principal& who) {
  auto body = ParseJsonObject(req);
  if (!body) return WriteError(res, body.error());
  JsonFields f(*body, "user");
  storage::User user;
  auto username = f.RequiredString("username");
  if (!username) return WriteError(res, username.error());
  if (username->size() > 100) return WriteError(res, f.FieldError("username", "too long"));
  user.username = *username;
  auto role = RoleField(f);
  if (!role) return WriteError(res, role.error());
  user.role = role->value_or(Role::kViewer);
  auto hash = PasswordHash(f);
  if (!hash) return WriteError(res, hash.error());
  user.password_hash = *hash;
  user.created_at = ctx.clock.Now();
  auto st = AuditedChange(
      ctx, who, res, "user.create",
      [&](storage::Repositories& repos, storage::AuditEntry& e) -> core::Status {
        auto made = repos.Users().Create(user);
        if (!made) return core::Status(std::unexpected(made.error()));
        user = *made;
        e.target_type = "user";
        e.target_id = std::to_string(user.id);
        e.detail = fmt::format("{} ({})", user.username, storage::RoleName(user.role));
        return core::Ok();
      });
  if (!st) return WriteError(res, st.error());
  WriteJson(res, 201, UserJson(user));
}

void PatchUser(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
               const Principal& who) {
  auto id = PathId(req.matches[1], "user");
  if (!id) return WriteError(res, id.error());
  auto body = ParseJsonObject(req);
  if (!body) return WriteError(res, body.error());
  JsonFields f(*body, "user");
  auto role = RoleField(f);
  if (!role) return WriteError(res, role.error());
  std::optional<std::string> hash;
  if (f.Has("password")) {
    auto h = PasswordHash(f);
    if (!h) return WriteError(res, h.error());
    hash = *h;
  }
  storage::User user;
  auto st =
      AuditedChange(ctx, who, res, "user.update",
                    [&](storage::Repositories& repos, storage::AuditEntry& e) -> core::Status {
                      auto found = repos.Users().Get(*id);
                      if (!found) return core::Status(std::unexpected(found.error()));
                      user = *found;
                      if (*role && **role != user.role) {
                        if (auto k = KeepAnAdmin(repos, user); !k) return k;
                        user.role = **role;
                      }
                      if (hash) user.password_hash = *hash;
                      if (auto u = repos.Users().Update(user); !u) return u;
                      // A new password ends the user's browser sessions.
                      if (hash) {
                        if (auto d = repos.LoginSessions().DeleteForUser(user.id); !d) return d;
                      }
                      e.target_type = "user";
                      e.target_id = std::to_string(user.id);
                      e.detail = fmt::format("role={}{}", storage::RoleName(user.role),
                                             hash ? ", password changed" : "");
                      return core::Ok();
                    });
  if (!st) return WriteError(res, st.error());
  WriteJson(res, 200, UserJson(user));
}

void DeleteUser(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                const Principal& who) {
  auto id = PathId(req.matches[1], "user");
  if (!id) return WriteError(res, id.error());
  auto st =
      AuditedChange(ctx, who, res, "user.delete",
                    [&](storage::Repositories& repos, storage::AuditEntry& e) -> core::Status {
                      auto found = repos.Users().Get(*id);
                      if (!found) return core::Status(std::unexpected(found.error()));
                      if (auto k = KeepAnAdmin(repos, *found); !k) return k;
                      e.target_type = "user";
                      e.target_id = std::to_string(*id);
                      e.detail = found->username;
                      return repos.Users().Delete(*id);
                    });
  if (!st) return WriteError(res, st.error());
  res.status = 204;
}

void ListUsers(ApiContext& ctx, httplib::Response& res) {
  json items = json::array();
  for (storage::PageRequest page{1000, ""};;) {
    auto listed = ctx.store.Users().List({}, page);
    if (!listed) return WriteError(res, listed.error());
    for (const auto& u : listed->items) items.push_back(UserJson(u));
    if (listed->next_cursor.empty()) break;
    page.cursor = listed->next_cursor;
  }
  WriteJson(res, 200, {{"users", items}});
}

void CreateToken(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                 const Principal& who) {
  auto body = ParseJsonObject(req);
  if (!body) return WriteError(res, body.error());
  JsonFields f(*body, "token");
  auto name = f.RequiredString("name");
  if (!name) return WriteError(res, name.error());
  if (name->size() > 100) return WriteError(res, f.FieldError("name", "at most 100 characters"));
  auto role = RoleField(f);
  if (!role) return WriteError(res, role.error());
  if (*role && **role > who.role) {
    return WriteError(res, f.FieldError("role", "cannot exceed your own role"));
  }
  auto expires = f.OptString("expires_at");
  if (!expires) return WriteError(res, expires.error());
  storage::ApiToken token;
  token.name = *name;
  token.role = role->value_or(who.role);
  token.user_id = who.user_id;
  token.created_at = ctx.clock.Now();
  if (*expires && !(*expires)->empty()) {
    auto at = jobs::ParseUtc(**expires);
    if (!at) return WriteError(res, f.FieldError("expires_at", "expected 2006-01-02T15:04:05Z"));
    if (*at <= token.created_at) {
      return WriteError(res, f.FieldError("expires_at", "must be in the future"));
    }
    token.expires_at = *at;
  }
  const std::string secret = env::GenerateApiToken();
  token.secret_hash = env::HashToken(secret);
  auto st =
      AuditedChange(ctx, who, res, "token.create",
                    [&](storage::Repositories& repos, storage::AuditEntry& e) -> core::Status {
                      auto made = repos.Tokens().Create(token);
                      if (!made) return core::Status(std::unexpected(made.error()));
                      token = *made;
                      e.target_type = "token";
                      e.target_id = std::to_string(token.id);
                      e.detail = token.name;
                      return core::Ok();
                    });
  if (!st) return WriteError(res, st.error());
  json answer = TokenJson(token);
  answer["token"] = secret;
  res.set_header("Cache-Control", "no-store");
  WriteJson(res, 201, answer);
}

void ListTokens(ApiContext& ctx, httplib::Response& res, const Principal& who) {
  json items = json::array();
  for (storage::PageRequest page{1000, ""};;) {
    auto listed = ctx.store.Tokens().List({.include_revoked = false, .role = std::nullopt}, page);
    if (!listed) return WriteError(res, listed.error());
    for (const auto& t : listed->items) {
      if (who.role == Role::kAdmin || (who.user_id && t.user_id == who.user_id)) {
        items.push_back(TokenJson(t));
      }
    }
    if (listed->next_cursor.empty()) break;
    page.cursor = listed->next_cursor;
  }
  WriteJson(res, 200, {{"tokens", items}});
}

void RevokeToken(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                 const Principal& who) {
  auto id = PathId(req.matches[1], "token");
  if (!id) return WriteError(res, id.error());
  auto st = AuditedChange(
      ctx, who, res, "token.revoke",
      [&](storage::Repositories& repos, storage::AuditEntry& e) -> core::Status {
        auto found = repos.Tokens().Get(*id);
        // Another user's token is as good as absent to a non-admin. Tokens of no user (made by
        // `bulwark token create`) belong to nobody but themselves.
        const bool own =
            found && (found->id == who.token_id || (who.user_id && found->user_id == who.user_id));
        if (!found || (who.role != Role::kAdmin && !own)) {
          return core::Fail(ErrorCode::kNotFound, fmt::format("token {} not found", *id));
        }
        e.target_type = "token";
        e.target_id = std::to_string(*id);
        e.detail = found->name;
        return repos.Tokens().Revoke(*id, ctx.clock.Now());
      });
  if (!st) return WriteError(res, st.error());
  res.status = 204;
}

}  // namespace

void RegisterUserRoutes(httplib::Server& svr, ApiContext& ctx) {
  const std::string one = R"(/api/v1/users/(\d+))";
  svr.Get("/api/v1/users", Authorized(ctx, Role::kAdmin,
                                      [&ctx](const httplib::Request&, httplib::Response& res,
                                             const Principal&) { ListUsers(ctx, res); }));
  svr.Post("/api/v1/users",
           Authorized(ctx, Role::kAdmin,
                      [&ctx](const httplib::Request& req, httplib::Response& res,
                             const Principal& who) { CreateUser(ctx, req, res, who); }));
  svr.Patch(one, Authorized(ctx, Role::kAdmin,
                            [&ctx](const httplib::Request& req, httplib::Response& res,
                                   const Principal& who) { PatchUser(ctx, req, res, who); }));
  svr.Delete(one, Authorized(ctx, Role::kAdmin,
                             [&ctx](const httplib::Request& req, httplib::Response& res,
                                    const Principal& who) { DeleteUser(ctx, req, res, who); }));
  svr.Get("/api/v1/tokens",
          Authorized(ctx, Role::kViewer,
                     [&ctx](const httplib::Request&, httplib::Response& res, const Principal& who) {
                       ListTokens(ctx, res, who);
                     }));
  svr.Post("/api/v1/tokens",
           Authorized(ctx, Role::kViewer,
                      [&ctx](const httplib::Request& req, httplib::Response& res,
                             const Principal& who) { CreateToken(ctx, req, res, who); }));
  svr.Delete(R"(/api/v1/tokens/(\d+))",
             Authorized(ctx, Role::kViewer,
                        [&ctx](const httplib::Request& req, httplib::Response& res,
                               const Principal& who) { RevokeToken(ctx, req, res, who); }));
}

}  // namespace bulwark::http
