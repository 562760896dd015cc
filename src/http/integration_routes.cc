// /api/v1/integrations: the JFrog Xray SCA integration's settings, its connection test and the
// live repository list. The access token is sealed at rest and never leaves the server: answers
// carry only `token_set`.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "http/audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/request_json.h"
#include "http/routes.h"
#include "scanners/xray/url.h"

namespace bulwark::http {
namespace {

using core::ErrorCode;
using nlohmann::json;

struct Catalog {
  std::string_view tool, name, type;
  std::vector<std::string> methods;
};

const std::vector<Catalog>& Known() {
  static const std::vector<Catalog> known = {
      {"jfrogxraysca", "JFrog Xray SCA", "sca", {"kdt", "import", "ui-import", "bind"}}};
  return known;
}

core::Result<const Catalog*> Find(const std::string& tool) {
  for (const auto& c : Known()) {
    if (c.tool == tool) return &c;
  }
  return core::Fail(ErrorCode::kNotFound,
                    fmt::format("unknown integration '{}'; known: jfrogxraysca", tool));
}

// The stored row, or the defaults of a never-configured integration (id 0).
core::Result<storage::Integration> Load(ApiContext& ctx, std::string_view tool) {
  auto found = ctx.store.Integrations().GetByKind(tool);
  if (found) return found;
  if (found.error().code != ErrorCode::kNotFound) return std::unexpected(found.error());
  storage::Integration fresh;
  fresh.kind = std::string(tool);
  return fresh;
}

json TestJson(const scanners::ConnectionTestResult& r) {
  json j = {{"ok", r.ok}, {"code", r.code}, {"message", r.message}};
  if (r.xray_version) j["xray_version"] = *r.xray_version;
  return j;
}

json IntegrationJson(const Catalog& c, const storage::Integration& i) {
  json j = {{"tool", c.tool},
            {"name", c.name},
            {"type", c.type},
            {"methods", c.methods},
            {"active", i.active},
            {"api_enabled", i.api_enabled},
            {"url", i.url},
            {"insecure", i.insecure},
            {"token_set", !i.sealed_access_token.empty()}};
  json last = nullptr;
  if (!i.last_test_result.empty()) {
    last = json::parse(i.last_test_result, nullptr, false);
    if (last.is_discarded()) last = nullptr;
    if (last.is_object() && i.last_tested_at) last["at"] = IsoTime(*i.last_tested_at);
  }
  j["last_test"] = last;
  if (i.id != 0) j["updated_at"] = IsoTime(i.updated_at);
  return j;
}

// Applies the fields of `body` over `target`: a new access token is sealed. Every field is
// checked here; connection fields are required only when the API is enabled.
core::Status ApplyUpdate(ApiContext& ctx, const json& body, storage::Integration& target) {
  JsonFields f(body, "integration");
  auto active = f.OptBool("active");
  if (!active) return std::unexpected(active.error());
  auto api_enabled = f.OptBool("api_enabled");
  if (!api_enabled) return std::unexpected(api_enabled.error());
  auto insecure = f.OptBool("insecure");
  if (!insecure) return std::unexpected(insecure.error());
  auto url = f.OptString("url");
  if (!url) return std::unexpected(url.error());
  auto token = f.OptString("access_token");
  if (!token) return std::unexpected(token.error());
  if (*active) target.active = **active;
  if (*api_enabled) target.api_enabled = **api_enabled;
  if (*insecure) target.insecure = **insecure;
  if (*url) {
    if ((*url)->empty()) {
      target.url.clear();
    } else {
      auto normalized = scanners::xray::NormalizePlatformUrl(**url);
      if (!normalized) return std::unexpected(f.FieldError("url", normalized.error().message));
      target.url = *normalized;
    }
  }
  if (*token) {
    if ((*token)->empty()) {
      target.sealed_access_token.clear();
    } else {
      if (!ctx.secret_key) {
        return core::Fail(ErrorCode::kUnavailable, "the server has no secret key to seal tokens");
      }
      target.sealed_access_token = env::Seal(*ctx.secret_key, **token);
    }
  }
  if (target.api_enabled && target.url.empty()) {
    return std::unexpected(f.FieldError("url", "required when api_enabled is true"));
  }
  if (target.api_enabled && target.sealed_access_token.empty()) {
    return std::unexpected(f.FieldError("access_token", "required when api_enabled is true"));
  }
  return core::Ok();
}

core::Result<scanners::IntegrationSettings> Settings(ApiContext& ctx,
                                                     const storage::Integration& i) {
  scanners::IntegrationSettings s{i.api_enabled, i.url, "", i.insecure};
  if (!i.sealed_access_token.empty()) {
    if (!ctx.secret_key) {
      return core::Fail(ErrorCode::kUnavailable, "the server has no secret key to unseal tokens");
    }
    auto token = env::Unseal(*ctx.secret_key, i.sealed_access_token);
    if (!token) {
      return core::Fail(ErrorCode::kInternal,
                        "the stored access token cannot be unsealed (was the secret key "
                        "changed?); enter the access token again");
    }
    s.access_token = std::move(*token);
  }
  return s;
}

// Adapters are kept per settings so the adapter's brief repository cache serves repeated
// searches; a change of URL, token or Insecure makes a new adapter.
class AdapterCache {
 public:
  core::Result<std::shared_ptr<scanners::ScannerAdapter>> Get(
      ApiContext& ctx, const std::string& tool, const scanners::IntegrationSettings& s) {
    if (!ctx.transport || !ctx.scanners) {
      return core::Fail(ErrorCode::kUnavailable, "scanner adapters are not available");
    }
    const std::string key =
        fmt::format("{}\n{}\n{}\n{}", tool, s.url, s.insecure, env::HashToken(s.access_token));
    std::lock_guard lock(mu_);
    auto it = adapters_.find(tool);
    if (it != adapters_.end() && it->second.first == key) return it->second.second;
    auto made = ctx.scanners->Create(tool, s, {*ctx.transport, ctx.clock});
    if (!made) return std::unexpected(made.error());
    std::shared_ptr<scanners::ScannerAdapter> adapter = std::move(*made);
    adapters_[tool] = {key, adapter};
    return adapter;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::pair<std::string, std::shared_ptr<scanners::ScannerAdapter>>>
      adapters_;
};

core::Status Save(ApiContext& ctx, const Principal& who, const httplib::Response& res,
                  storage::Integration& i) {
  i.updated_at = ctx.clock.Now();
  return AuditedChange(ctx, who, res, "integration.update",
                       [&](storage::Repositories& repos, storage::AuditEntry& e) -> core::Status {
                         e.target_type = "integration";
                         e.target_id = i.kind;
                         e.detail = fmt::format("active={} api_enabled={} url={} insecure={}",
                                                i.active, i.api_enabled, i.url, i.insecure);
                         if (i.id != 0) return repos.Integrations().Update(i);
                         auto created = repos.Integrations().Create(i);
                         if (!created) return std::unexpected(created.error());
                         i = *created;
                         return core::Ok();
                       });
}

void HandleTest(ApiContext& ctx, AdapterCache& cache, const httplib::Request& req,
                httplib::Response& res, const Principal& who) {
  auto catalog = Find(req.matches[1]);
  if (!catalog) return WriteError(res, catalog.error());
  auto body = ParseJsonObject(req);
  if (!body) return WriteError(res, body.error());
  auto stored = Load(ctx, (*catalog)->tool);
  if (!stored) return WriteError(res, stored.error());
  storage::Integration candidate = *stored;
  if (!body->empty()) {
    if (auto st = ApplyUpdate(ctx, *body, candidate); !st) return WriteError(res, st.error());
  }
  auto settings = Settings(ctx, candidate);
  if (!settings) return WriteError(res, settings.error());
  scanners::ConnectionTestResult result;
  if (!settings->api_enabled) {
    result = {false, "api_disabled", "the API is not enabled for this integration", {}};
  } else {
    auto adapter = cache.Get(ctx, std::string((*catalog)->tool), *settings);
    if (!adapter) return WriteError(res, adapter.error());
    result = (*adapter)->TestConnection();
  }
  spdlog::info("integration_test tool={} code={} by={}", (*catalog)->tool, result.code,
               who.token_name);
  // The result of the stored settings is kept for the card; an unsaved trial is not.
  if (body->empty() && stored->id != 0) {
    stored->last_test_result = TestJson(result).dump();
    stored->last_tested_at = ctx.clock.Now();
    (void)ctx.store.Integrations().Update(*stored);
  }
  WriteJson(res, 200, TestJson(result));
}

void HandleRepositories(ApiContext& ctx, AdapterCache& cache, const httplib::Request& req,
                        httplib::Response& res) {
  auto catalog = Find(req.matches[1]);
  if (!catalog) return WriteError(res, catalog.error());
  auto stored = Load(ctx, (*catalog)->tool);
  if (!stored) return WriteError(res, stored.error());
  if (!stored->api_enabled) {
    return WriteError(res, core::Error{ErrorCode::kInvalidArgument,
                                       "the integration's API is not enabled; enable it and "
                                       "enter URL and access token first"});
  }
  auto settings = Settings(ctx, *stored);
  if (!settings) return WriteError(res, settings.error());
  auto adapter = cache.Get(ctx, std::string((*catalog)->tool), *settings);
  if (!adapter) return WriteError(res, adapter.error());
  auto repos = (*adapter)->ListRepositories(req.get_param_value("q"));
  if (!repos) return WriteError(res, repos.error());
  json list = json::array();
  for (const auto& r : *repos) {
    list.push_back({{"key", r.key},
                    {"type", r.type},
                    {"package_type", r.package_type},
                    {"indexed", r.indexed ? json(*r.indexed) : json(nullptr)},
                    {"scannable", r.scannable}});
  }
  WriteJson(res, 200, {{"repositories", list}});
}

}  // namespace

void RegisterIntegrationRoutes(httplib::Server& svr, ApiContext& ctx) {
  auto cache = std::make_shared<AdapterCache>();
  svr.Get("/api/v1/integrations",
          Authorized(ctx, storage::Role::kViewer,
                     [&ctx](const httplib::Request&, httplib::Response& res, const Principal&) {
                       json list = json::array();
                       for (const auto& c : Known()) {
                         auto stored = Load(ctx, c.tool);
                         if (!stored) return WriteError(res, stored.error());
                         list.push_back(IntegrationJson(c, *stored));
                       }
                       WriteJson(res, 200, {{"integrations", list}});
                     }));
  svr.Get(R"(/api/v1/integrations/([a-z0-9_-]+))",
          Authorized(ctx, storage::Role::kViewer,
                     [&ctx](const httplib::Request& req, httplib::Response& res, const Principal&) {
                       auto catalog = Find(req.matches[1]);
                       if (!catalog) return WriteError(res, catalog.error());
                       auto stored = Load(ctx, (*catalog)->tool);
                       if (!stored) return WriteError(res, stored.error());
                       WriteJson(res, 200, IntegrationJson(**catalog, *stored));
                     }));
  svr.Put(R"(/api/v1/integrations/([a-z0-9_-]+))",
          Authorized(
              ctx, storage::Role::kAdmin,
              [&ctx](const httplib::Request& req, httplib::Response& res, const Principal& who) {
                auto catalog = Find(req.matches[1]);
                if (!catalog) return WriteError(res, catalog.error());
                auto body = ParseJsonObject(req);
                if (!body) return WriteError(res, body.error());
                auto stored = Load(ctx, (*catalog)->tool);
                if (!stored) return WriteError(res, stored.error());
                if (auto st = ApplyUpdate(ctx, *body, *stored); !st) {
                  return WriteError(res, st.error());
                }
                if (auto st = Save(ctx, who, res, *stored); !st) return WriteError(res, st.error());
                spdlog::info("integration_updated tool={} by={}", (*catalog)->tool, who.token_name);
                WriteJson(res, 200, IntegrationJson(**catalog, *stored));
              }));
  svr.Post(
      R"(/api/v1/integrations/([a-z0-9_-]+)/test)",
      Authorized(ctx, storage::Role::kAdmin,
                 [&ctx, cache](const httplib::Request& req, httplib::Response& res,
                               const Principal& who) { HandleTest(ctx, *cache, req, res, who); }));
  svr.Get(
      R"(/api/v1/integrations/([a-z0-9_-]+)/repositories)",
      Authorized(ctx, storage::Role::kMember,
                 [&ctx, cache](const httplib::Request& req, httplib::Response& res,
                               const Principal&) { HandleRepositories(ctx, *cache, req, res); }));
}

}  // namespace bulwark::http
