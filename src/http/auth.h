// Authentication of /api/ requests by `Authorization: Bearer <token>` and role checks.
// Route groups wrap each handler: `svr.Get(path, Authorized(ctx, Role::kMember, handler))`.
#pragma once

#include <httplib.h>

#include <functional>
#include <optional>
#include <string>

#include "http/api_context.h"

namespace bulwark::http {

// Who is calling: the token that authenticated the request.
struct Principal {
  std::int64_t token_id = 0;
  std::string token_name;
  storage::Role role = storage::Role::kViewer;
  std::optional<std::int64_t> user_id;
};

// Checks the request's bearer token against the store: kUnauthenticated (message says why:
// missing or malformed header, unknown, expired, revoked) or the principal. Records last use.
core::Result<Principal> Authenticate(const httplib::Request& req, ApiContext& ctx);

// Checks a bare token taken from wherever the API carries it (the kdt-compatible API uses
// X-Cookie / X-Auth): kUnauthenticated naming why, or the principal. Records last use.
core::Result<Principal> AuthenticateToken(const std::string& token, ApiContext& ctx);

using AuthorizedHandler =
    std::function<void(const httplib::Request&, httplib::Response&, const Principal&)>;

// A handler that authenticates, requires at least `min_role` (else 403), then calls `handler`.
httplib::Server::Handler Authorized(ApiContext& ctx, storage::Role min_role,
                                    AuthorizedHandler handler);

}  // namespace bulwark::http
