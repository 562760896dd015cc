// /api/v1/projects: create, list (with severity counts and risk score), read, change, delete.
#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "domain/lifecycle.h"
#include "http/audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/project_summary.h"
#include "http/request_json.h"
#include "http/routes.h"

namespace bulwark::http {

core::Result<ProjectRiskSummary> SummarizeProject(ApiContext& ctx, std::int64_t project_id) {
  // Open, untriaged findings of every branch and tool: what the project list shows.
  auto counts = ctx.store.Findings().OpenUntriaged(project_id, "", "", ctx.clock.Now());
  if (!counts) return std::unexpected(counts.error());
  return ProjectRiskSummary{counts->critical, counts->high, counts->medium,
                            counts->low,      counts->info, domain::RiskScore(*counts)};
}

namespace {

using core::ErrorCode;
using nlohmann::json;

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxDescription = 4000;

core::Result<json> ProjectJson(ApiContext& ctx, const storage::Project& p) {
  auto s = SummarizeProject(ctx, p.id);
  if (!s) return std::unexpected(s.error());
  return json{{"id", p.id},
              {"name", p.name},
              {"description", p.description},
              {"default_branch", p.default_branch},
              {"created_at", IsoTime(p.created_at)},
              {"summary",
               {{"critical", s->critical},
                {"high", s->high},
                {"medium", s->medium},
                {"low", s->low},
                {"info", s->info}}},
              {"risk_score", s->risk_score}};
}

// Applies name, description and default_branch from `body`; `creating` makes name required.
core::Status ApplyProject(const json& body, bool creating, storage::Project& p) {
  JsonFields f(body, "project");
  if (creating || f.Has("name")) {
    auto name = f.RequiredString("name");
    if (!name) return std::unexpected(name.error());
    if (name->size() > kMaxName) {
      return std::unexpected(f.FieldError("name", fmt::format("at most {} characters", kMaxName)));
    }
    p.name = *name;
  }
  auto description = f.OptString("description");
  if (!description) return std::unexpected(description.error());
  if (*description) {
    if ((*description)->size() > kMaxDescription) {
      return std::unexpected(
          f.FieldError("description", fmt::format("at most {} characters", kMaxDescription)));
    }
    p.description = **description;
  }
  if (f.Has("default_branch")) {
    auto branch = f.RequiredString("default_branch");
    if (!branch) return std::unexpected(branch.error());
    p.default_branch = *branch;
  }
  return core::Ok();
}

void Answer(ApiContext& ctx, httplib::Response& res, int status, const storage::Project& p) {
  auto body = ProjectJson(ctx, p);
  if (!body) return WriteError(res, body.error());
  WriteJson(res, status, *body);
}

void HandleCreate(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                  const Principal& who) {
  auto body = ParseJsonObject(req);
  if (!body) return WriteError(res, body.error());
  storage::Project p;
  if (auto st = ApplyProject(*body, true, p); !st) return WriteError(res, st.error());
  p.created_at = ctx.clock.Now();
  auto st =
      AuditedChange(ctx, who, res, "project.create",
                    [&](storage::Repositories& repos, storage::AuditEntry& e) -> core::Status {
                      auto created = repos.Projects().Create(p);
                      if (!created) return std::unexpected(created.error());
                      p = *created;
                      e.target_type = "project";
                      e.target_id = std::to_string(p.id);
                      e.detail = p.name;
                      return core::Ok();
                    });
  if (!st) return WriteError(res, st.error());
  Answer(ctx, res, 201, p);
}

core::Result<storage::PageRequest> PageFrom(const httplib::Request& req) {
  storage::PageRequest page;
  if (req.has_param("limit")) {
    const std::string text = req.get_param_value("limit");
    int limit = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (ec != std::errc{} || end != text.data() + text.size() || limit < 1 || limit > 1000) {
      return core::Fail(ErrorCode::kInvalidArgument, "limit: must be an integer from 1 to 1000");
    }
    page.limit = limit;
  }
  page.cursor = req.get_param_value("cursor");
  return page;
}

void HandleList(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto page = PageFrom(req);
  if (!page) return WriteError(res, page.error());
  storage::ProjectFilter filter{req.get_param_value("q")};
  auto listed = ctx.store.Projects().List(filter, *page);
  if (!listed) return WriteError(res, listed.error());
  // The total over every page of the filter.
  std::int64_t total = 0;
  for (storage::PageRequest all{1000, ""};;) {
    auto counted = ctx.store.Projects().List(filter, all);
    if (!counted) return WriteError(res, counted.error());
    total += static_cast<std::int64_t>(counted->items.size());
    if (counted->next_cursor.empty()) break;
    all.cursor = counted->next_cursor;
  }
  json items = json::array();
  for (const auto& p : listed->items) {
    auto j = ProjectJson(ctx, p);
    if (!j) return WriteError(res, j.error());
    items.push_back(std::move(*j));
  }
  WriteJson(
      res, 200,
      {{"projects", items},
       {"total", total},
       {"next_cursor", listed->next_cursor.empty() ? json(nullptr) : json(listed->next_cursor)}});
}

core::Result<storage::Project> Lookup(ApiContext& ctx, const httplib::Request& req) {
  auto id = PathId(req.matches[1], "project");
  if (!id) return std::unexpected(id.error());
  return ctx.store.Projects().Get(*id);
}

void HandlePatch(ApiContext& ctx, const httplib::Request& req, httplib::Response& res,
                 const Principal& who) {
  auto p = Lookup(ctx, req);
  if (!p) return WriteError(res, p.error());
  auto body = ParseJsonObject(req);
  if (!body) return WriteError(res, body.error());
  if (auto st = ApplyProject(*body, false, *p); !st) return WriteError(res, st.error());
  auto st = AuditedChange(ctx, who, res, "project.update",
                          [&](storage::Repositories& repos, storage::AuditEntry& e) {
                            e.target_type = "project";
                            e.target_id = std::to_string(p->id);
                            e.detail = p->name;
                            return repos.Projects().Update(*p);
                          });
  if (!st) return WriteError(res, st.error());
  Answer(ctx, res, 200, *p);
}

}  // namespace

void RegisterProjectRoutes(httplib::Server& svr, ApiContext& ctx) {
  using storage::Role;
  const std::string one = R"(/api/v1/projects/(\d+))";
  svr.Post("/api/v1/projects",
           Authorized(ctx, Role::kMember,
                      [&ctx](const httplib::Request& req, httplib::Response& res,
                             const Principal& who) { HandleCreate(ctx, req, res, who); }));
  svr.Get("/api/v1/projects", Authorized(ctx, Role::kViewer,
                                         [&ctx](const httplib::Request& req, httplib::Response& res,
                                                const Principal&) { HandleList(ctx, req, res); }));
  svr.Get(one,
          Authorized(ctx, Role::kViewer,
                     [&ctx](const httplib::Request& req, httplib::Response& res, const Principal&) {
                       auto p = Lookup(ctx, req);
                       if (!p) return WriteError(res, p.error());
                       Answer(ctx, res, 200, *p);
                     }));
  svr.Patch(one, Authorized(ctx, Role::kMember,
                            [&ctx](const httplib::Request& req, httplib::Response& res,
                                   const Principal& who) { HandlePatch(ctx, req, res, who); }));
  svr.Delete(
      one, Authorized(
               ctx, Role::kMember,
               [&ctx](const httplib::Request& req, httplib::Response& res, const Principal& who) {
                 auto id = PathId(req.matches[1], "project");
                 if (!id) return WriteError(res, id.error());
                 auto st = AuditedChange(ctx, who, res, "project.delete",
                                         [&](storage::Repositories& repos, storage::AuditEntry& e) {
                                           e.target_type = "project";
                                           e.target_id = std::to_string(*id);
                                           return repos.Projects().Delete(*id);
                                         });
                 if (!st) return WriteError(res, st.error());
                 res.status = 204;
               }));
}

}  // namespace bulwark::http
