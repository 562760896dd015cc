// GET /api/v1/openapi.json: the OpenAPI 3 document of the native REST API (no token needed;
// docs/api.md is the prose). Every route is listed with the least role it needs in
// `x-bulwark-role` ("none" for sign-in), which the security tests walk; the finding, diff, policy,
// release and scan-list routes also carry their parameters and answers.
#include <nlohmann/json.hpp>
#include <string>

#include "http/errors.h"
#include "http/openapi.h"
#include "http/routes.h"

namespace bulwark::http {
namespace {

using nlohmann::json;

struct Route {
  const char* method;  // lower case, as OpenAPI keys operations
  const char* path;
  const char* role;  // "none", "viewer", "member" or "admin"
  const char* summary;
};

constexpr Route kRoutes[] = {
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
    {"get", "/api/v1/scans/{id}/diff", "viewer", "A scan against an earlier one"},
    {"get", "/api/v1/projects/{id}/diff", "viewer", "Branch against branch"},
    {"get", "/api/v1/projects/{id}/policy", "viewer", "The release policy"},
    {"put", "/api/v1/projects/{id}/policy", "member", "Replace the release policy"},
    {"get", "/api/v1/projects/{id}/release", "viewer", "Release status of a branch"},
    {"get", "/api/v1/projects/{id}/scanners/{sid}/webhook/deliveries", "viewer",
     "A scanner's webhook deliveries"},
    {"post", "/api/v1/projects/{id}/scanners/{sid}/webhook/deliveries/{d}/redeliver", "member",
     "Queue a delivery again"},
    {"post", "/api/v1/projects/{id}/scanners/{sid}/webhook/test", "member", "Send a test ping"},
    {"get", "/api/v1/openapi.json", "none", "This document"},
};

json Param(const char* name, const char* in, const char* description, bool required = false) {
  return {{"name", name},
          {"in", in},
          {"required", required || std::string_view(in) == "path"},
          {"description", description},
          {"schema", {{"type", std::string_view(name) == "id" ? "integer" : "string"}}}};
}

json Ref(const char* schema) { return {{"$ref", std::string("#/components/schemas/") + schema}}; }

json Answer(const char* description, const json& schema) {
  return {{"description", description}, {"content", {{"application/json", {{"schema", schema}}}}}};
}

json Errors() {
  json out;
  for (const char* code : {"400", "401", "403", "404", "409"}) {
    out[code] = Answer("error", Ref("Error"));
  }
  return out;
}

json Operation(const char* summary, json params, json ok, const char* ok_code = "200") {
  json responses = Errors();
  responses[ok_code] = std::move(ok);
  return {{"summary", summary}, {"parameters", std::move(params)}, {"responses", responses}};
}

json Schemas() {
  json nullable_int = {{"type", "integer"}, {"minimum", 0}, {"nullable", true}};
  json counts = {{"type", "object"},
                 {"properties",
                  {{"new", {{"type", "integer"}}},
                   {"fixed", {{"type", "integer"}}},
                   {"unchanged", {{"type", "integer"}}}}}};
  json findings = {{"type", "array"}, {"items", Ref("Finding")}};
  return {{"Error",
           {{"type", "object"},
            {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}},
          {"Finding", {{"type", "object"}, {"description", "the finding object of docs/api.md"}}},
          {"Scan", {{"type", "object"}, {"description", "the scan object of docs/api.md"}}},
          {"Diff",
           {{"type", "object"},
            {"properties",
             {{"scan", {{"type", "object"}, {"properties", {{"id", {{"type", "integer"}}}}}}},
              {"against",
               {{"type", "object"},
                {"nullable", true},
                {"properties", {{"id", {{"type", "integer"}}}}}}},
              {"from", {{"type", "string"}}},
              {"to", {{"type", "string"}}},
              {"counts", counts},
              {"new", findings},
              {"fixed", findings},
              {"unchanged", findings}}}}},
          {"Policy",
           {{"type", "object"},
            {"properties",
             {{"max_critical", nullable_int},
              {"max_high", nullable_int},
              {"max_medium", nullable_int},
              {"max_low", nullable_int}}}}},
          {"Release",
           {{"type", "object"},
            {"properties",
             {{"branch", {{"type", "string"}}},
              {"status", {{"type", "string"}, {"enum", {"passed", "failed", "undefined"}}}},
              {"counts", {{"type", "object"}}},
              {"violations",
               {{"type", "array"},
                {"items",
                 {{"type", "object"},
                  {"properties",
                   {{"severity", {{"type", "string"}}},
                    {"count", {{"type", "integer"}}},
                    {"max", {{"type", "integer"}}}}}}}}},
              {"scan_id", {{"type", "integer"}, {"nullable", true}}}}}}}};
}

json List(const char* plural, const char* item) {
  return {{"type", "object"},
          {"properties",
           {{plural, {{"type", "array"}, {"items", Ref(item)}}},
            {"total", {{"type", "integer"}, {"description", "every match, not only this page"}}},
            {"next_cursor", {{"type", "string"}, {"nullable", true}}}}}};
}

json Document() {
  const json id = Param("id", "path", "numeric id");
  const json limit = Param("limit", "query", "1..1000 (default 100)");
  json paths;
  paths["/api/v1/projects/{id}/findings"]["get"] = Operation(
      "Findings of a project, keyset-paged",
      {id, Param("branch", "query", "branch"), Param("tool", "query", "tool"),
       Param("severity", "query", "comma-separated severities"),
       Param("state", "query", "new, open, reopened or fixed"),
       Param("kind", "query", "vulnerability, license or violation"),
       Param("q", "query", "matches CVE, issue id, component, summary"),
       Param("sort", "query",
             "severity, -severity (default), last_seen, -last_seen, first_seen, -first_seen, "
             "component, -component, vulnerability_key, -vulnerability_key, id, -id"),
       limit, Param("cursor", "query", "next_cursor of the previous page (same sort)")},
      Answer("a page of findings", List("findings", "Finding")));
  paths["/api/v1/projects/{id}/scans"]["get"] =
      Operation("Scans of a project, oldest first",
                {id, Param("state", "query", "a scan state"), limit,
                 Param("cursor", "query", "next_cursor of the previous page")},
                Answer("a page of scans", List("scans", "Scan")));
  paths["/api/v1/scans/{id}/diff"]["get"] = Operation(
      "A finished scan's snapshot against an earlier one of the same project, branch and tool",
      {id, Param("against", "query", "previous (default) or an earlier scan id"), limit},
      Answer("the diff", Ref("Diff")));
  paths["/api/v1/projects/{id}/diff"]["get"] = Operation(
      "Open findings of branch `to` against branch `from`",
      {id, Param("from", "query", "branch", true), Param("to", "query", "branch", true), limit},
      Answer("the diff", Ref("Diff")));
  paths["/api/v1/projects/{id}/policy"]["get"] =
      Operation("The project's release policy", {id}, Answer("the policy", Ref("Policy")));
  json put = Operation("Replace the release policy (member; audited)", {id},
                       Answer("the stored policy", Ref("Policy")));
  put["requestBody"] = {{"required", true},
                        {"content", {{"application/json", {{"schema", Ref("Policy")}}}}}};
  paths["/api/v1/projects/{id}/policy"]["put"] = put;
  paths["/api/v1/projects/{id}/release"]["get"] =
      Operation("Release status of a branch against the policy",
                {id, Param("branch", "query", "default: the project's default branch")},
                Answer("the release status", Ref("Release")));
  json schemas = Schemas();
  const json group = ScannerWebhookOpenApi();
  for (const auto& [path, operations] : group["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) paths[path][method] = operation;
  }
  for (const auto& [name, schema] : group["schemas"].items()) schemas[name] = schema;
  for (const Route& route : kRoutes) {
    json& operation = paths[route.path][route.method];
    if (operation.is_null()) {
      operation = {
          {"summary", route.summary},
          {"responses", {{"default", {{"description", "JSON; errors are {code, message}"}}}}}};
    }
    operation["x-bulwark-role"] = route.role;
    if (std::string(route.role) == "none") operation["security"] = json::array();
  }
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "Bulwark REST API"}, {"version", BULWARK_VERSION}}},
          {"servers", {{{"url", "/"}}}},
          {"components",
           {{"schemas", schemas},
            {"securitySchemes",
             {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
              {"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "bulwark_session"}}}}}}},
          {"security", json::array({{{"bearer", json::array()}}, {{"session", json::array()}}})},
          {"paths", paths}};
}

}  // namespace

void RegisterOpenApiRoutes(httplib::Server& svr, ApiContext&) {
  static const std::string body = Document().dump();
  svr.Get("/api/v1/openapi.json", [](const httplib::Request&, httplib::Response& res) {
    res.status = 200;
    res.set_content(body, "application/json");
  });
}

}  // namespace bulwark::http
