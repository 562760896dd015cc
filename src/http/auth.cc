#include "http/auth.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "env/crypto.h"
#include "http/errors.h"
#include "http/request_json.h"
#include "http/token_use.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;

constexpr std::chrono::seconds kLastUsedResolution{60};

std::string Iso(storage::Time t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     std::chrono::time_point_cast<std::chrono::seconds>(t));
}

}  // namespace

std::string Principal::Actor() const {
  return session_id ? "user:" + username : "token:" + token_name;
}

std::string CsrfTokenFor(std::string_view session_secret) {
  return env::HmacSha256Hex(session_secret, "bulwark-csrf");
}

std::optional<std::string> CookieValue(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    auto end = rest.find(';');
    std::string_view part = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
  }
  return std::nullopt;
}

namespace {

core::Result<Principal> AuthenticateSession(const httplib::Request& req, ApiContext& ctx,
                                            const std::string& secret) {
  auto session = ctx.store.LoginSessions().GetBySecretHash(env::HashToken(secret));
  if (!session) {
    if (session.error().code == ErrorCode::kNotFound) {
      return core::Fail(ErrorCode::kUnauthenticated, "the session has ended; sign in again");
    }
    return std::unexpected(session.error());
  }
  if (session->expires_at <= ctx.clock.Now()) {
    return core::Fail(ErrorCode::kUnauthenticated, "the session expired; sign in again");
  }
  auto user = ctx.store.Users().Get(session->user_id);
  if (!user) {
    if (user.error().code == ErrorCode::kNotFound) {
      return core::Fail(ErrorCode::kUnauthenticated, "the session's user no longer exists");
    }
    return std::unexpected(user.error());
  }
  Principal who;
  who.token_name = "session";
  who.role = user->role;
  who.user_id = user->id;
  who.username = user->username;
  who.session_id = session->id;
  who.csrf_token = CsrfTokenFor(secret);
  const bool safe = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS";
  if (!safe && !env::ConstantTimeEquals(req.get_header_value("X-CSRF-Token"), who.csrf_token)) {
    return core::Fail(ErrorCode::kPermissionDenied,
                      "missing or wrong X-CSRF-Token header; a signed-in browser sends the "
                      "csrf_token it received at sign-in");
  }
  return who;
}

}  // namespace

core::Result<Principal> Authenticate(const httplib::Request& req, ApiContext& ctx) {
  if (!req.has_header("Authorization")) {
    if (auto cookie = CookieValue(req, kSessionCookie); cookie && !cookie->empty()) {
      return AuthenticateSession(req, ctx, *cookie);
    }
    return core::Fail(ErrorCode::kUnauthenticated,
                      "missing Authorization header; send 'Authorization: Bearer <token>' or "
                      "sign in");
  }
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), header.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return core::Fail(ErrorCode::kUnauthenticated,
                      "malformed Authorization header; expected 'Bearer <token>'");
  }
  return AuthenticateToken(header.substr(kScheme.size()), ctx);
}

core::Result<Principal> AuthenticateToken(const std::string& token, ApiContext& ctx) {
  if (!env::LooksLikeApiToken(token)) {
    return core::Fail(
        ErrorCode::kUnauthenticated,
        "malformed API token; Bulwark tokens start with 'bwk_' (bulwark token create)");
  }
  auto found = ctx.store.Tokens().GetBySecretHash(env::HashToken(token));
  if (!found) {
    if (found.error().code == ErrorCode::kNotFound) {
      return core::Fail(ErrorCode::kUnauthenticated, "unknown API token");
    }
    return std::unexpected(found.error());
  }
  const auto now = ctx.clock.Now();
  if (found->revoked_at) {
    return core::Fail(
        ErrorCode::kUnauthenticated,
        fmt::format("API token '{}' was revoked at {}", found->name, Iso(*found->revoked_at)));
  }
  if (found->expires_at && *found->expires_at <= now) {
    return core::Fail(ErrorCode::kUnauthenticated,
                      fmt::format("API token '{}' expired at {}; create a new one", found->name,
                                  Iso(*found->expires_at)));
  }
  // Last use is informative and kept to the minute: writing it on every request would make each
  // read a database write. It is written in the background when the server has a recorder, so no
  // read waits for the writer (held by an import's transaction). A failure to record it must not
  // refuse the request.
  if (!found->last_used_at || now - *found->last_used_at >= kLastUsedResolution) {
    if (ctx.token_use) {
      ctx.token_use->Record(found->id, now);
    } else {
      (void)ctx.store.Tokens().TouchLastUsed(found->id, now);
    }
  }
  Principal who{found->id, found->name, found->role, found->user_id, "", std::nullopt, ""};
  if (found->user_id) {
    if (auto user = ctx.store.Users().Get(*found->user_id)) who.username = user->username;
  }
  return who;
}

httplib::Server::Handler Authorized(ApiContext& ctx, storage::Role min_role,
                                    AuthorizedHandler handler) {
  return [&ctx, min_role, handler = std::move(handler)](const httplib::Request& req,
                                                        httplib::Response& res) {
    auto principal = Authenticate(req, ctx);
    if (!principal) return WriteError(res, principal.error());
    if (principal->role < min_role) {
      return WriteError(
          res,
          core::Error{ErrorCode::kPermissionDenied,
                      fmt::format("this needs the {} role; {} has {}", storage::RoleName(min_role),
                                  principal->Actor(), storage::RoleName(principal->role))});
    }
    if (auto body = CheckJsonBody(req, ctx.json_limits); !body) {
      return WriteError(res, body.error());
    }
    handler(req, res, *principal);
  };
}

}  // namespace bulwark::http
