// GET /api/v1/openapi.json: the OpenAPI 3 description of the native REST API (docs/api.md is the
// prose). Public, like the documentation it is. Each operation names the least role it needs in
// `x-bulwark-role` ("none" for sign-in); the security tests walk every route listed here.
#include <nlohmann/json.hpp>
#include <string>

#include "http/errors.h"
#include "http/routes.h"

namespace bulwark::http {
namespace {

struct Operation {
  const char* method;  // lower case, as OpenAPI keys operations
  const char* path;
  const char* role;  // "none", "viewer", "member" or "admin"
  const char* summary;
};

constexpr Operation kOperations[] = {
    {"get", "/api/v1/me", "viewer", "The caller: token name, role, user"},
    {"post", "/api/v1/auth/login", "none", "Sign in with a user name and password (cookie)"},
    {"post", "/api/v1/auth/logout", "viewer", "End the browser session"},
    {"get", "/api/v1/projects", "viewer", "List projects with severity counts and risk"},
    {"post", "/api/v1/projects", "member", "Create a project"},
    {"get", "/api/v1/projects/{id}", "viewer", "One project"},
    {"patch", "/api/v1/projects/{id}", "member", "Change a project"},
    {"delete", "/api/v1/projects/{id}", "member", "Delete a project"},
    {"get", "/api/v1/projects/{id}/scanners", "viewer", "A project's scanners"},
    {"post", "/api/v1/projects/{id}/scanners", "member", "Add a scanner to a project"},
    {"get", "/api/v1/projects/{id}/scanners/{sid}", "viewer", "One scanner"},
    {"patch", "/api/v1/projects/{id}/scanners/{sid}", "member", "Change a scanner"},
    {"delete", "/api/v1/projects/{id}/scanners/{sid}", "member", "Remove a scanner"},
    {"get", "/api/v1/projects/{id}/scans", "viewer", "A project's scans"},
    {"post", "/api/v1/projects/{id}/scans", "member", "Start a scan"},
    {"post", "/api/v1/projects/{id}/imports", "member", "Import a result file (multipart)"},
    {"get", "/api/v1/projects/{id}/findings", "viewer", "A project's findings"},
    {"get", "/api/v1/projects/{id}/summary", "viewer", "Severity counts of a project"},
    {"get", "/api/v1/scans/{id}", "viewer", "One scan with its state and progress"},
    {"post", "/api/v1/scans/{id}/cancel", "member", "Cancel a scan"},
    {"get", "/api/v1/findings/{id}", "viewer", "One finding"},
    {"patch", "/api/v1/findings/{id}", "member", "Triage a finding"},
    {"get", "/api/v1/integrations", "viewer", "Scanner integrations"},
    {"get", "/api/v1/integrations/{tool}", "viewer", "One integration's settings"},
    {"put", "/api/v1/integrations/{tool}", "admin", "Change an integration's settings"},
    {"post", "/api/v1/integrations/{tool}/test", "admin", "Test the integration's connection"},
    {"get", "/api/v1/integrations/{tool}/repositories", "member", "Repositories of the platform"},
    {"get", "/api/v1/users", "admin", "Users"},
    {"post", "/api/v1/users", "admin", "Create a user"},
    {"patch", "/api/v1/users/{id}", "admin", "Change a user"},
    {"delete", "/api/v1/users/{id}", "admin", "Delete a user"},
    {"get", "/api/v1/tokens", "viewer", "API tokens (an admin sees all, others their own)"},
    {"post", "/api/v1/tokens", "viewer", "Create a token of at most the caller's role"},
    {"delete", "/api/v1/tokens/{id}", "viewer", "Revoke a token (others': admin only)"},
    {"get", "/api/v1/audit", "admin", "The audit log"},
    {"get", "/api/v1/openapi.json", "none", "This document"},
};

nlohmann::json Document() {
  nlohmann::json paths = nlohmann::json::object();
  for (const Operation& op : kOperations) {
    nlohmann::json operation = {{"summary", op.summary}, {"x-bulwark-role", op.role}};
    if (std::string(op.role) == "none") {
      operation["security"] = nlohmann::json::array();
    }
    operation["responses"] = {{"default", {{"description", "JSON; errors are {code, message}"}}}};
    paths[op.path][op.method] = operation;
  }
  return {
      {"openapi", "3.0.3"},
      {"info", {{"title", "Bulwark REST API"}, {"version", BULWARK_VERSION}}},
      {"servers", {{{"url", "/"}}}},
      {"components",
       {{"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
          {"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "bulwark_session"}}}}}}},
      {"security", {{{"bearer", nlohmann::json::array()}}, {{"session", nlohmann::json::array()}}}},
      {"paths", paths}};
}

}  // namespace

void RegisterOpenApiRoutes(httplib::Server& svr, ApiContext&) {
  svr.Get("/api/v1/openapi.json", [](const httplib::Request&, httplib::Response& res) {
    static const std::string body = Document().dump(2);
    res.set_content(body, "application/json");
  });
}

}  // namespace bulwark::http
