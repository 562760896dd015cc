// The route groups of the REST API, one file each (see api_context.h).
#pragma once

#include <httplib.h>

#include "http/api_context.h"

namespace bulwark::http {

// GET /api/v1/me (token or session), POST /api/v1/auth/login and /api/v1/auth/logout.
void RegisterMeRoutes(httplib::Server& svr, ApiContext& ctx);

// /api/v1/users[/{id}] (admin) and /api/v1/tokens[/{id}].
void RegisterUserRoutes(httplib::Server& svr, ApiContext& ctx);

// /api/v1/integrations[/{tool}[/test|/repositories]]: settings, connection test, repositories.
void RegisterIntegrationRoutes(httplib::Server& svr, ApiContext& ctx);

// /api/v1/projects[/{id}]: projects with severity counts and risk score.
void RegisterProjectRoutes(httplib::Server& svr, ApiContext& ctx);

// /api/v1/projects/{id}/scanners[/{sid}]: a project's scanner configurations.
void RegisterScannerRoutes(httplib::Server& svr, ApiContext& ctx);

// The embedded web UI for every other GET path (SPA fallback to /index.html); register last.
void RegisterStaticRoutes(httplib::Server& svr, ApiContext& ctx);

}  // namespace bulwark::http
