#include "http/auth.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "env/crypto.h"
#include "http/errors.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;

std::string Iso(storage::Time t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     std::chrono::time_point_cast<std::chrono::seconds>(t));
}

}  // namespace

core::Result<Principal> Authenticate(const httplib::Request& req, ApiContext& ctx) {
  if (!req.has_header("Authorization")) {
    return core::Fail(ErrorCode::kUnauthenticated,
                      "missing Authorization header; send 'Authorization: Bearer <token>'");
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
  // Last use is informative: a failure to record it must not refuse the request.
  (void)ctx.store.Tokens().TouchLastUsed(found->id, now);
  return Principal{found->id, found->name, found->role, found->user_id};
}

httplib::Server::Handler Authorized(ApiContext& ctx, storage::Role min_role,
                                    AuthorizedHandler handler) {
  return [&ctx, min_role, handler = std::move(handler)](const httplib::Request& req,
                                                        httplib::Response& res) {
    auto principal = Authenticate(req, ctx);
    if (!principal) return WriteError(res, principal.error());
    if (principal->role < min_role) {
      return WriteError(res,
                        core::Error{ErrorCode::kPermissionDenied,
                                    fmt::format("this needs the {} role; token '{}' has {}",
                                                storage::RoleName(min_role), principal->token_name,
                                                storage::RoleName(principal->role))});
    }
    handler(req, res, *principal);
  };
}

}  // namespace bulwark::http
