// The kdt-compatible API, part 1: version, health, scanners, projects, a project's scans and its
// scanparams (= Bulwark scanner configurations). Scans, imports, events and gates are in
// kdt_scan_routes.cc. Shapes: specs/kdt-compat.md section 2.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/errors.h"
#include "http/kdt_support.h"
#include "http/routes.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;
using nlohmann::json;
using storage::Role;
namespace k = kdt;

bool CsvHas(const std::string& csv, std::string_view item) {
  size_t start = 0;
  while (start <= csv.size()) {
    size_t comma = csv.find(',', start);
    if (comma == std::string::npos) comma = csv.size();
    if (std::string_view(csv).substr(start, comma - start) == item) return true;
    start = comma + 1;
  }
  return false;
}

// GET scanners/active: Bulwark's one scanner, filtered like the platform filters its list.
void ActiveScanners(const httplib::Request& req, httplib::Response& res) {
  const std::string name = k::Query(req, "name");
  const std::string types = k::Query(req, "types");
  const std::string labels = k::Query(req, "labels");
  json scanner = k::ScannerJson();
  bool match = name.empty() || name == k::kTool;
  match = match && (types.empty() || CsvHas(types, "sca"));
  size_t start = 0;
  while (match && start < labels.size()) {
    size_t comma = labels.find(',', start);
    if (comma == std::string::npos) comma = labels.size();
    const std::string label = labels.substr(start, comma - start);
    match = label.empty() || CsvHas("kdt,import,bind", label);
    start = comma + 1;
  }
  json list = json::array();
  if (match) list.push_back(std::move(scanner));
  const size_t total = list.size();
  WriteJson(res, 200, {{"active_scanners", std::move(list)}, {"total", total}});
}

void ListProjects(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  const std::string name = k::Query(req, "name");
  json projects = json::array();
  if (!name.empty()) {
    auto found = k::ResolveProject(ctx, name);
    if (found) {
      projects.push_back(k::ProjectJson(req, *found));
    } else if (found.error().code != ErrorCode::kNotFound) {
      return k::WriteKdtError(res, found.error());
    }
  } else if (k::Query(req, "alm").empty()) {
    storage::PageRequest page{1000, ""};
    do {
      auto got = ctx.store.Projects().List({}, page);
      if (!got) return k::WriteKdtError(res, got.error());
      for (const auto& p : got->items) projects.push_back(k::ProjectJson(req, p));
      page.cursor = got->next_cursor;
    } while (!page.cursor.empty());
  }
  const size_t total = projects.size();
  WriteJson(res, 200, {{"projects", std::move(projects)}, {"total", total}});
}

void CreateProject(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto body = k::JsonBody(req);
  if (!body) return k::WriteKdtError(res, body.error());
  storage::Project project;
  project.name = body->value("name", "");
  if (project.name.empty()) {
    return k::WriteKdtError(res, {ErrorCode::kInvalidArgument, "field 'name' is required"});
  }
  const std::string branch = body->value("default_branch", "");
  if (!branch.empty()) project.default_branch = branch;
  project.created_at = ctx.clock.Now();
  auto created = ctx.store.Projects().Create(project);
  if (!created) return k::WriteKdtError(res, created.error());
  WriteJson(
      res, 201,
      {{"project", k::ProjectJson(req, *created)}, {"message", "project created successfully"}});
}

int LimitParam(const httplib::Request& req) {
  const std::string text = k::Query(req, "limit");
  if (text.empty()) return 0;
  try {
    return std::max(0, std::stoi(text));
  } catch (const std::exception&) {
    return -1;
  }
}

// kdt's FindScan query (kdt-compat.md section 1.4 step 4) as a storage filter.
storage::ScanFilter ScanQuery(const httplib::Request& req, std::int64_t project_id) {
  storage::ScanFilter f;
  f.project_id = project_id;
  f.newest_first = true;
  if (req.has_param("branch")) f.branch = k::Query(req, "branch");
  if (!k::Query(req, "tool").empty()) f.tool = k::Query(req, "tool");
  if (req.has_param("meta_data")) f.meta_data = k::Query(req, "meta_data");
  if (!k::Query(req, "environment").empty()) f.environment = k::Query(req, "environment");
  if (req.has_param("manual")) f.manual = k::Query(req, "manual") == "true";
  return f;
}

void ListProjectScans(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto project = k::ResolveProject(ctx, req.matches[1].str());
  if (!project) return k::WriteKdtError(res, project.error());
  const int limit = LimitParam(req);
  if (limit < 0) {
    return k::WriteKdtError(res, {ErrorCode::kInvalidArgument, "query 'limit' must be a number"});
  }
  json scans = json::array();
  std::int64_t total = 0;
  // Bulwark has no pull-request or fork scans: those queries match nothing.
  if (k::Query(req, "pr") != "true" && k::Query(req, "fork_scan") != "true") {
    const storage::ScanFilter filter = ScanQuery(req, project->id);
    storage::PageRequest page{limit > 0 ? std::min(limit, 1000) : 1000, ""};
    do {
      auto got = ctx.store.Scans().List(filter, page);
      if (!got) return k::WriteKdtError(res, got.error());
      for (const auto& scan : got->items) {
        scans.push_back(k::ScanDetailJson(req, scan, project->name));
      }
      page.cursor = limit > 0 ? std::string() : got->next_cursor;
    } while (!page.cursor.empty());
    auto count = ctx.store.Scans().Count(filter);
    if (!count) return k::WriteKdtError(res, count.error());
    total = *count;
  }
  WriteJson(res, 200, {{"scans", std::move(scans)}, {"total", total}});
}

void ListScanparams(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto project = k::ResolveProject(ctx, req.matches[1].str());
  if (!project) return k::WriteKdtError(res, project.error());
  const int limit = LimitParam(req);
  if (limit < 0) {
    return k::WriteKdtError(res, {ErrorCode::kInvalidArgument, "query 'limit' must be a number"});
  }
  const std::string tool_id = k::Query(req, "tool_id");
  bool tool_ok = tool_id.empty() || tool_id == k::kTool;
  if (!tool_ok) {
    auto id = k::ParseId(tool_id, "tool_id");
    tool_ok = id && *id == k::kScannerId;
  }
  json list = json::array();
  if (tool_ok && k::Query(req, "pr") != "true" && k::Query(req, "fork_scan") != "true" &&
      k::Query(req, "manual") != "true") {
    storage::ScannerConfigFilter filter;
    filter.project_id = project->id;
    filter.tool = std::string(k::kTool);
    filter.branch = k::Query(req, "branch");
    filter.meta_data = k::Query(req, "meta_data");
    filter.environment = k::Query(req, "environment");
    storage::PageRequest page{limit > 0 ? std::min(limit, 1000) : 1000, ""};
    do {
      auto configs = ctx.store.ScannerConfigs().List(filter, page);
      if (!configs) return k::WriteKdtError(res, configs.error());
      for (const auto& c : configs->items) list.push_back(k::ScanparamsJson(c, *project));
      page.cursor = limit > 0 ? std::string() : configs->next_cursor;
    } while (!page.cursor.empty());
  }
  const size_t total = list.size();
  WriteJson(res, 200,
            {{"scanparams", std::move(list)}, {"limit", limit}, {"start", 0}, {"total", total}});
}

std::vector<std::string> Patterns(const json& params, const char* key) {
  std::vector<std::string> out;
  if (!params.contains(key)) return out;
  const json& v = params[key];
  if (v.is_array()) {
    for (const auto& p : v) {
      if (p.is_string() && !p.get<std::string>().empty()) out.push_back(p.get<std::string>());
    }
  } else if (v.is_string()) {
    std::string s = v.get<std::string>();
    size_t start = 0;
    while (start < s.size()) {
      size_t sep = s.find_first_of(",;", start);
      if (sep == std::string::npos) sep = s.size();
      if (sep > start) out.push_back(s.substr(start, sep - start));
      start = sep + 1;
    }
  }
  return out;
}

// The ScanparamsDetail body (kdt-compat.md section 2.3) as a scanner configuration.
core::Result<storage::ScannerConfig> ConfigFromBody(const json& body, std::int64_t project_id) {
  storage::ScannerConfig config;
  config.project_id = project_id;
  config.tool = std::string(k::kTool);
  const json custom = body.value("custom", json::object());
  const json params = custom.is_object() ? custom.value("params", json::object()) : json::object();
  std::string key = body.value("bind_name", "");
  if ((key.empty() || key == "-") && params.is_object()) key = params.value("repository_key", "");
  if (key.empty() || key == "-") {
    return core::Fail(ErrorCode::kInvalidArgument,
                      "bind_name (the JFrog repository key) is required for jfrogxraysca; send "
                      "bind_name or custom.params.repository_key");
  }
  config.repository_key = key;
  config.branch = body.value("branch", "");
  if (config.branch.empty()) {
    return core::Fail(ErrorCode::kInvalidArgument, "field 'branch' is required");
  }
  config.environment = body.value("environment", "");
  config.meta_data = body.value("meta_data", "");
  config.scan_tag = body.value("scan_tag", "");
  if (params.is_object()) {
    config.include_patterns = Patterns(params, "include_patterns");
    config.exclude_patterns = Patterns(params, "exclude_patterns");
  }
  return config;
}

void CreateScanparams(ApiContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto project = k::ResolveProject(ctx, req.matches[1].str());
  if (!project) return k::WriteKdtError(res, project.error());
  auto body = k::JsonBody(req);
  if (!body) return k::WriteKdtError(res, body.error());
  const json tool = body->value("tool", json::object());
  if (tool.is_object() && tool.contains("id") && tool["id"].is_string()) {
    const std::string id = tool["id"].get<std::string>();
    auto parsed = k::ParseId(id, "tool.id");
    if (id != k::kTool && (!parsed || *parsed != k::kScannerId)) {
      return k::WriteKdtError(
          res, {ErrorCode::kNotFound, fmt::format("scanner '{}' not found; the only scanner is {} "
                                                  "(id {})",
                                                  id, k::kTool, k::RenderId(k::kScannerId))});
    }
  }
  auto config = ConfigFromBody(*body, project->id);
  if (!config) return k::WriteKdtError(res, config.error());
  config->created_at = ctx.clock.Now();
  auto created = ctx.store.ScannerConfigs().Create(*config);
  if (!created) return k::WriteKdtError(res, created.error());
  WriteJson(res, 201,
            {{"scanparams", k::ScanparamsJson(*created, *project)},
             {"message", "scanparams created successfully"}});
}

}  // namespace

void RegisterKdtRoutes(httplib::Server& svr, ApiContext& ctx) {
  auto version = [](const httplib::Request&, httplib::Response& res) {
    WriteJson(res, 200, {{"version", BULWARK_VERSION}, {"product", "bulwark"}});
  };
  svr.Get("/core/version", version);
  svr.Get("/api/aspm/v1/core/version", version);
  k::KdtGet(svr, ctx, "/health/check", Role::kViewer,
            [](const httplib::Request&, httplib::Response& res) {
              WriteJson(res, 200, {{"status", "ok"}});
            });
  k::KdtGet(svr, ctx, "/scanners/active", Role::kViewer, ActiveScanners);
  k::KdtGet(svr, ctx, "/projects", Role::kViewer,
            [&ctx](const auto& req, auto& res) { ListProjects(ctx, req, res); });
  k::KdtPost(svr, ctx, "/projects", Role::kMember,
             [&ctx](const auto& req, auto& res) { CreateProject(ctx, req, res); });
  k::KdtGet(svr, ctx, "/projects/([^/]+)/scans", Role::kViewer,
            [&ctx](const auto& req, auto& res) { ListProjectScans(ctx, req, res); });
  k::KdtGet(svr, ctx, "/projects/([^/]+)/scanparams", Role::kViewer,
            [&ctx](const auto& req, auto& res) { ListScanparams(ctx, req, res); });
  k::KdtPost(svr, ctx, "/projects/([^/]+)/scanparams", Role::kMember,
             [&ctx](const auto& req, auto& res) { CreateScanparams(ctx, req, res); });
  RegisterKdtScanRoutes(svr, ctx);
}

}  // namespace bulwark::http
