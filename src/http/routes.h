// The route groups of the REST API, one file each (see api_context.h).
#pragma once

#include <httplib.h>

#include "http/api_context.h"

namespace bulwark::http {

// GET /api/v1/me (token or session), POST /api/v1/auth/login and /api/v1/auth/logout.
void RegisterMeRoutes(httplib::Server& svr, ApiContext& ctx);
// Scans: POST /api/v1/projects/{id}/scans, GET /api/v1/projects/{id}/scans, GET /api/v1/scans/{id},
// POST /api/v1/scans/{id}/cancel.
void RegisterScanRoutes(httplib::Server& svr, ApiContext& ctx);
// POST /api/v1/projects/{id}/imports (multipart, streamed to disk).
void RegisterImportRoutes(httplib::Server& svr, ApiContext& ctx);
// GET /api/v1/projects/{id}/findings, /api/v1/projects/{id}/summary, GET/PATCH
// /api/v1/findings/{id}.
void RegisterFindingRoutes(httplib::Server& svr, ApiContext& ctx);
// GET /api/v1/scans/{id}/diff and GET /api/v1/projects/{id}/diff (diff_routes.cc).
void RegisterDiffRoutes(httplib::Server& svr, ApiContext& ctx);
// GET/PUT /api/v1/projects/{id}/policy and GET /api/v1/projects/{id}/release.
void RegisterReleaseRoutes(httplib::Server& svr, ApiContext& ctx);
// GET /api/v1/openapi.json (no token).
void RegisterOpenApiRoutes(httplib::Server& svr, ApiContext& ctx);

// /api/v1/users[/{id}] (admin) and /api/v1/tokens[/{id}].
void RegisterUserRoutes(httplib::Server& svr, ApiContext& ctx);

// /api/v1/integrations[/{tool}[/test|/repositories]]: settings, connection test, repositories.
void RegisterIntegrationRoutes(httplib::Server& svr, ApiContext& ctx);

// /api/v1/projects[/{id}]: projects with severity counts and risk score.
void RegisterProjectRoutes(httplib::Server& svr, ApiContext& ctx);

// /api/v1/projects/{id}/scanners[/{sid}]: a project's scanner configurations.
void RegisterScannerRoutes(httplib::Server& svr, ApiContext& ctx);
void RegisterWebhookRoutes(httplib::Server& svr, ApiContext& ctx);
// GET /api/v1/openapi.json: the OpenAPI description of the native API (public).
void RegisterOpenApiRoutes(httplib::Server& svr, ApiContext& ctx);

// The embedded web UI for every other GET path (SPA fallback to /index.html); register last.
void RegisterStaticRoutes(httplib::Server& svr, ApiContext& ctx);

// The kdt-compatible API (docs/api.md "kdt-compatible API"): /core/version and /api/v2/... with
// the token in X-Cookie, the same under /api/aspm/v1 with X-Auth. kdt_routes.cc registers the
// whole group; kdt_scan_routes.cc holds its scan, import, event and gate routes.
void RegisterKdtRoutes(httplib::Server& svr, ApiContext& ctx);
void RegisterKdtScanRoutes(httplib::Server& svr, ApiContext& ctx);

}  // namespace bulwark::http
