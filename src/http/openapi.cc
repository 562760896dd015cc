// The scanner and webhook part of the OpenAPI document (openapi_routes.cc serves the whole):
// one function per route group; keep each in step with its *_routes.cc and docs/api.md.
#include "http/openapi.h"

namespace bulwark::http {
namespace {

using nlohmann::json;

json Ref(const std::string& schema) { return {{"$ref", "#/components/schemas/" + schema}}; }

json PathParam(const std::string& name, const std::string& what) {
  return {{"name", name},
          {"in", "path"},
          {"required", true},
          {"description", what},
          {"schema", {{"type", "string"}}}};
}

json JsonContent(const json& schema) { return {{"application/json", {{"schema", schema}}}}; }

// An operation with the standard error answers; `role` is the least role that may call it.
json Operation(const std::string& summary, const std::string& role, const json& params,
               const json& ok_status, const json& ok_schema) {
  json responses = {{"400",
                     {{"description", "a field is invalid (the message names it)"},
                      {"content", JsonContent(Ref("Error"))}}},
                    {"401", {{"description", "no, expired or revoked token"}}},
                    {"403", {{"description", "the token's role is below " + role}}},
                    {"404", {{"description", "no such project, scanner or delivery"}}}};
  responses[ok_status.get<std::string>()] = {{"description", "success"},
                                             {"content", JsonContent(ok_schema)}};
  return {{"summary", summary},
          {"x-bulwark-role", role},
          {"parameters", params},
          {"security", json::array({{{"bearer", json::array()}}})},
          {"responses", responses}};
}

json Schemas() {
  json schedule = {
      {"type", "object"},
      {"properties",
       {{"enabled", {{"type", "boolean"}}},
        {"frequency", {{"type", "string"}, {"enum", {"hourly", "daily", "weekly", "monthly"}}}},
        {"recurrence", {{"type", "string"}, {"description", "older name of frequency"}}},
        {"interval", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}},
        {"days_of_week", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
        {"days", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"days_of_month", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
        {"start_date", {{"type", "string"}, {"format", "date-time"}}},
        {"end_date", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
        {"count", {{"type", "integer"}, {"nullable", true}}},
        {"next_run_at",
         {{"type", "string"}, {"format", "date-time"}, {"nullable", true}, {"readOnly", true}}}}}};
  json strings = {{"type", "array"}, {"items", {{"type", "string"}}}};
  json scanner = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "integer"}, {"readOnly", true}}},
        {"tool", {{"type", "string"}, {"enum", {"jfrogxraysca"}}}},
        {"environment",
         {{"type", "string"}, {"enum", {"", "production", "staging", "develop", "feature"}}}},
        {"repository_key", {{"type", "string"}}},
        {"branch", {{"type", "string"}}},
        {"include_patterns", strings},
        {"exclude_patterns", strings},
        {"meta_data", {{"type", "string"}}},
        {"scan_tag", {{"type", "string"}}},
        {"schedule", Ref("Schedule")},
        {"webhook",
         {{"type", "object"},
          {"nullable", true},
          {"properties",
           {{"url", {{"type", "string"}}},
            {"secret", {{"type", "string"}, {"writeOnly", true}}},
            {"secret_set", {{"type", "boolean"}, {"readOnly", true}}}}}}}}}};
  json attempt = {
      {"type", "object"},
      {"properties",
       {{"attempt", {{"type", "integer"}}},
        {"attempted_at", {{"type", "string"}, {"format", "date-time"}}},
        {"status", {{"type", "integer"}, {"nullable", true}}},
        {"latency_ms", {{"type", "integer"}}},
        {"response_snippet", {{"type", "string"}}},
        {"error", {{"type", "string"}}},
        {"outcome",
         {{"type", "string"}, {"enum", {"delivered", "retry", "failed", "disabled"}}}}}}};
  json delivery = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "integer"}}},
        {"delivery_id", {{"type", "string"}, {"format", "uuid"}}},
        {"event", {{"type", "string"}}},
        {"target", {{"type", "string"}, {"description", "scheme://host:port only"}}},
        {"signed", {{"type", "boolean"}}},
        {"state", {{"type", "string"}, {"enum", {"pending", "delivered", "failed"}}}},
        {"attempt_count", {{"type", "integer"}}},
        {"last_status", {{"type", "integer"}, {"nullable", true}}},
        {"last_error", {{"type", "string"}}},
        {"next_attempt_at", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
        {"first_attempt_at", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
        {"created_at", {{"type", "string"}, {"format", "date-time"}}},
        {"delivered_at", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
        {"attempts", {{"type", "array"}, {"items", Ref("WebhookAttempt")}}}}}};
  json ping = {{"type", "object"},
               {"properties",
                {{"delivery_id", {{"type", "string"}}},
                 {"event", {{"type", "string"}, {"enum", {"ping"}}}},
                 {"target", {{"type", "string"}}},
                 {"signed", {{"type", "boolean"}}},
                 {"delivered", {{"type", "boolean"}}},
                 {"outcome", {{"type", "string"}, {"enum", {"delivered", "failed"}}}},
                 {"retryable", {{"type", "boolean"}}},
                 {"status", {{"type", "integer"}, {"nullable", true}}},
                 {"latency_ms", {{"type", "integer"}}},
                 {"response_snippet", {{"type", "string"}}},
                 {"error", {{"type", "string"}}}}}};
  json error = {
      {"type", "object"},
      {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}};
  return {{"Error", error},
          {"Schedule", schedule},
          {"Scanner", scanner},
          {"WebhookAttempt", attempt},
          {"WebhookDelivery", delivery},
          {"WebhookPing", ping}};
}

void AddScannerPaths(json& paths) {
  const json project = PathParam("id", "project id");
  const json scanner = PathParam("sid", "scanner id");
  json body = {{"required", true}, {"content", JsonContent(Ref("Scanner"))}};
  json list = {{"type", "object"},
               {"properties", {{"scanners", {{"type", "array"}, {"items", Ref("Scanner")}}}}}};
  auto& all = paths["/api/v1/projects/{id}/scanners"];
  all["get"] = Operation("List a project's scanners", "viewer", {project}, "200", list);
  all["post"] = Operation("Add a scanner", "member", {project}, "201", Ref("Scanner"));
  all["post"]["requestBody"] = body;
  auto& one = paths["/api/v1/projects/{id}/scanners/{sid}"];
  one["get"] = Operation("Get a scanner", "viewer", {project, scanner}, "200", Ref("Scanner"));
  one["patch"] = Operation("Change a scanner", "member", {project, scanner}, "200", Ref("Scanner"));
  one["patch"]["requestBody"] = body;
  one["delete"] =
      Operation("Delete a scanner", "member", {project, scanner}, "204", json::object());
}

void AddWebhookPaths(json& paths) {
  const json project = PathParam("id", "project id");
  const json scanner = PathParam("sid", "scanner id");
  const json delivery = PathParam("d", "the delivery's id or delivery_id");
  const json limit = {{"name", "limit"},
                      {"in", "query"},
                      {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}}};
  const json cursor = {{"name", "cursor"}, {"in", "query"}, {"schema", {{"type", "string"}}}};
  json page = {{"type", "object"},
               {"properties",
                {{"deliveries", {{"type", "array"}, {"items", Ref("WebhookDelivery")}}},
                 {"next_cursor", {{"type", "string"}, {"nullable", true}}}}}};
  const std::string base = "/api/v1/projects/{id}/scanners/{sid}/webhook";
  paths[base + "/deliveries"]["get"] =
      Operation("A scanner's webhook deliveries with their attempts", "viewer",
                {project, scanner, limit, cursor}, "200", page);
  auto& redeliver = paths[base + "/deliveries/{d}/redeliver"]["post"];
  redeliver = Operation("Queue a delivered or failed delivery again", "member",
                        {project, scanner, delivery}, "202", Ref("WebhookDelivery"));
  redeliver["responses"]["409"] = {{"description", "the delivery is still pending"}};
  paths[base + "/test"]["post"] = Operation("Send a signed test ping now", "member",
                                            {project, scanner}, "200", Ref("WebhookPing"));
}

}  // namespace

nlohmann::json ScannerWebhookOpenApi() {
  json paths = json::object();
  AddScannerPaths(paths);
  AddWebhookPaths(paths);
  return {{"paths", paths}, {"schemas", Schemas()}};
}

}  // namespace bulwark::http
