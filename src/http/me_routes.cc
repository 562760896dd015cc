// /api/v1/auth/login, /api/v1/auth/logout and /api/v1/me: browser sign-in with a session cookie
// (HttpOnly, SameSite=Strict, Secure behind TLS) and a CSRF token; failed sign-ins are limited
// per username and client address.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "http/audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/request_json.h"
#include "http/routes.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;
using nlohmann::json;

// At most kMaxFailures failed sign-ins per (username, address) within kWindow.
class LoginLimiter {
 public:
  static constexpr int kMaxFailures = 5;
  static constexpr std::chrono::minutes kWindow{15};

  // Seconds to wait when the key is locked out, else 0.
  std::int64_t RetryAfter(const std::string& key, env::TimePoint now) {
    std::lock_guard lock(mu_);
    auto it = failures_.find(key);
    if (it == failures_.end()) return 0;
    if (now - it->second.first >= kWindow) {
      failures_.erase(it);
      return 0;
    }
    if (it->second.second < kMaxFailures) return 0;
    return std::chrono::duration_cast<std::chrono::seconds>(kWindow - (now - it->second.first))
               .count() +
           1;
  }
  void Fail(const std::string& key, env::TimePoint now) {
    std::lock_guard lock(mu_);
    if (failures_.size() > 100000) failures_.clear();  // bounded memory under a flood
    auto& [start, count] = failures_[key];
    if (count == 0) start = now;
    ++count;
  }
  void Succeed(const std::string& key) {
    std::lock_guard lock(mu_);
    failures_.erase(key);
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::pair<env::TimePoint, int>> failures_;  // guarded by mu_
};

json UserJson(const Principal& who) {
  return {{"id", who.user_id ? json(*who.user_id) : json(nullptr)},
          {"username", who.username},
          {"role", storage::RoleName(who.role)}};
}

bool OverTls(const httplib::Request& req) {
  return req.get_header_value("X-Forwarded-Proto") == "https";
}

void HandleLogin(ApiContext& ctx, LoginLimiter& limiter, const httplib::Request& req,
                 httplib::Response& res) {
  if (auto within = CheckJsonBody(req, ctx.json_limits); !within) {
    return WriteError(res, within.error());
  }
  auto body = ParseJsonObject(req);
  if (!body) return WriteError(res, body.error());
  JsonFields f(*body, "login");
  auto username = f.RequiredString("username");
  if (!username) return WriteError(res, username.error());
  auto password = f.RequiredString("password");
  if (!password) return WriteError(res, password.error());
  const std::string key = *username + "\n" + req.remote_addr;
  const auto now = ctx.clock.Now();
  if (auto wait = limiter.RetryAfter(key, now); wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    WriteJson(res, 429,
              {{"code", "rate_limited"},
               {"message", fmt::format("too many failed sign-ins; try again in {} s", wait)}});
    return;
  }
  auto user = ctx.store.Users().GetByUsername(*username);
  if (!user && user.error().code != ErrorCode::kNotFound) return WriteError(res, user.error());
  if (!user || !env::VerifyPassword(user->password_hash, *password)) {
    limiter.Fail(key, now);
    spdlog::info("login_failed username_length={} address={}", username->size(), req.remote_addr);
    return WriteError(res, core::Error{ErrorCode::kUnauthenticated, "wrong username or password"});
  }
  limiter.Succeed(key);
  const std::string secret = env::GenerateApiToken();
  storage::LoginSession session{0, env::HashToken(secret), user->id, now, now + kSessionLifetime};
  Principal who;
  who.user_id = user->id;
  who.username = user->username;
  who.role = user->role;
  who.session_id = 0;
  auto st =
      AuditedChange(ctx, who, res, "auth.login",
                    [&](storage::Repositories& repos, storage::AuditEntry& e) -> core::Status {
                      (void)repos.LoginSessions().DeleteExpired(now);
                      auto made = repos.LoginSessions().Create(session);
                      if (!made) return core::Status(std::unexpected(made.error()));
                      e.target_type = "user";
                      e.target_id = std::to_string(user->id);
                      return core::Ok();
                    });
  if (!st) return WriteError(res, st.error());
  res.set_header(
      "Set-Cookie",
      fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie, secret,
                  std::chrono::seconds(kSessionLifetime).count(), OverTls(req) ? "; Secure" : ""));
  res.set_header("Cache-Control", "no-store");
  WriteJson(res, 200, {{"user", UserJson(who)}, {"csrf_token", CsrfTokenFor(secret)}});
}

}  // namespace

void RegisterMeRoutes(httplib::Server& svr, ApiContext& ctx) {
  svr.Get("/api/v1/me",
          Authorized(ctx, storage::Role::kViewer,
                     [](const httplib::Request&, httplib::Response& res, const Principal& who) {
                       json body = {{"token_name", who.token_name},
                                    {"role", storage::RoleName(who.role)},
                                    {"username", who.username},
                                    {"user", UserJson(who)}};
                       if (who.user_id) body["user_id"] = *who.user_id;
                       if (!who.csrf_token.empty()) body["csrf_token"] = who.csrf_token;
                       res.set_header("Cache-Control", "no-store");
                       WriteJson(res, 200, body);
                     }));
  auto limiter = std::make_shared<LoginLimiter>();
  svr.Post("/api/v1/auth/login",
           [&ctx, limiter](const httplib::Request& req, httplib::Response& res) {
             HandleLogin(ctx, *limiter, req, res);
           });
  svr.Post(
      "/api/v1/auth/logout",
      Authorized(ctx, storage::Role::kViewer,
                 [&ctx](const httplib::Request& req, httplib::Response& res, const Principal& who) {
                   if (who.session_id) {
                     auto st = AuditedChange(
                         ctx, who, res, "auth.logout",
                         [&](storage::Repositories& repos, storage::AuditEntry& e) -> core::Status {
                           e.target_type = "user";
                           e.target_id = std::to_string(who.user_id.value_or(0));
                           return repos.LoginSessions().Delete(*who.session_id);
                         });
                     if (!st) return WriteError(res, st.error());
                   }
                   res.set_header("Set-Cookie",
                                  fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; "
                                              "SameSite=Strict{}",
                                              kSessionCookie, OverTls(req) ? "; Secure" : ""));
                   res.status = 204;
                 }));
}

}  // namespace bulwark::http
