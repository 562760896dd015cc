// Authentication of /api/ requests by `Authorization: Bearer <token>` and role checks.
// Route groups wrap each handler: `svr.Get(path, Authorized(ctx, Role::kMember, handler))`.
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "http/api_context.h"

namespace bulwark::http {

// Who is calling: the token, or the browser session, that authenticated the request.
struct Principal {
  std::int64_t token_id = 0;  // 0 for a browser session
  std::string token_name;     // the token's name, or "session" for a browser session
  storage::Role role = storage::Role::kViewer;
  std::optional<std::int64_t> user_id;
  std::string username;                    // set for a browser session and for a user's token
  std::optional<std::int64_t> session_id;  // set for a browser session
  std::string csrf_token;                  // the session's CSRF token; empty for bearer tokens

  // "user:<name>" for a session, "token:<name>" for an API token (audit log, logs).
  std::string Actor() const;
};

// The session cookie's name and lifetime.
inline constexpr std::string_view kSessionCookie = "bulwark_session";
inline constexpr std::chrono::hours kSessionLifetime{12};

// The value of cookie `name`, if the request carries it.
std::optional<std::string> CookieValue(const httplib::Request& req, std::string_view name);

// The CSRF token that goes with a session cookie value: derived, never stored.
std::string CsrfTokenFor(std::string_view session_secret);

// Authenticates by `Authorization: Bearer <token>` or, without that header, by the session
// cookie: kUnauthenticated (message says why: missing or malformed header, unknown, expired,
// revoked) or the principal. Records a token's last use (to the minute: at most one write per
// token and minute). A cookie-authenticated request with a
// method other than GET/HEAD must carry the session's X-CSRF-Token: kPermissionDenied otherwise.
core::Result<Principal> Authenticate(const httplib::Request& req, ApiContext& ctx);

// Checks a bare token taken from wherever the API carries it (the kdt-compatible API uses
// X-Cookie / X-Auth): kUnauthenticated naming why, or the principal. Records last use (to the
// minute).
core::Result<Principal> AuthenticateToken(const std::string& token, ApiContext& ctx);

using AuthorizedHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const Principal&)>;

// A handler that authenticates, requires at least `min_role` (else 403), then calls `handler`.
httplib::Server::Handler Authorized(ApiContext& ctx, storage::Role min_role,
                                    AuthorizedHandler handler);

}  // namespace bulwark::http
