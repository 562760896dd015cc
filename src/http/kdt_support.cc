#include "http/kdt_support.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "http/errors.h"
#include "http/request_json.h"

namespace bulwark::http::kdt {
namespace {

using core::ErrorCode;

constexpr std::string_view kApiPrefix = "/api/v2";
constexpr std::string_view kAspmPrefix = "/api/aspm/v1/api/v2";

// Authenticates by the header of the path style and checks the role; the error to answer.
core::Status CheckCaller(ApiContext& ctx, const httplib::Request& req, const char* header,
                         storage::Role role) {
  if (!req.has_header(header)) {
    return core::Fail(ErrorCode::kUnauthenticated, "failed to authorize");
  }
  auto who = AuthenticateToken(req.get_header_value(header), ctx);
  if (!who) {
    // kdt shows this text; the reason stays out of the answer like on the platform it mimics.
    if (who.error().code == ErrorCode::kUnauthenticated) {
      return core::Fail(ErrorCode::kUnauthenticated, "failed to authorize");
    }
    return std::unexpected(who.error());
  }
  if (who->role < role) {
    return core::Fail(
        ErrorCode::kPermissionDenied,
        fmt::format("forbidden operation: this needs the {} role; token '{}' has {}",
                    storage::RoleName(role), who->token_name, storage::RoleName(who->role)));
  }
  return core::Ok();
}

// Authenticates by the header of the path style, checks the role, then runs the handler.
httplib::Server::Handler Guard(ApiContext& ctx, const char* header, storage::Role role,
                               KdtHandler handler) {
  return [&ctx, header, role, handler = std::move(handler)](const httplib::Request& req,
                                                            httplib::Response& res) {
    if (auto ok = CheckCaller(ctx, req, header, role); !ok) return WriteKdtError(res, ok.error());
    if (auto body = CheckJsonBody(req, ctx.json_limits); !body) {
      return WriteKdtError(res, body.error());
    }
    handler(req, res);
  };
}

httplib::Server::HandlerWithContentReader StreamGuard(ApiContext& ctx, const char* header,
                                                      storage::Role role,
                                                      KdtStreamHandler handler) {
  return [&ctx, header, role, handler = std::move(handler)](const httplib::Request& req,
                                                            httplib::Response& res,
                                                            const httplib::ContentReader& reader) {
    if (auto ok = CheckCaller(ctx, req, header, role); !ok) return WriteKdtError(res, ok.error());
    handler(req, res, reader);
  };
}

std::string Rfc3339(storage::Time t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     std::chrono::time_point_cast<std::chrono::seconds>(t));
}

std::string_view StatusText(storage::ScanState state) {
  using storage::ScanState;
  switch (state) {
    case ScanState::kWaiting:
      return "scan waiting";
    case ScanState::kStarting:
      return "scan starting";
    case ScanState::kRunning:
      return "scan running";
    case ScanState::kRetrievingResults:
      return "retrieving results";
    case ScanState::kAnalyzing:
      return "analyzing scan results";
    case ScanState::kNotifying:
      return "setting notifications";
    case ScanState::kFinished:
      return "scan finished";
    case ScanState::kFailed:
      return "scan failed";
    case ScanState::kCanceled:
      return "scan canceled";
  }
  return "unknown";
}

}  // namespace

std::string RenderId(std::int64_t id) { return fmt::format("{:024x}", id); }

core::Result<std::int64_t> ParseId(std::string_view text, std::string_view what) {
  const bool hex24 = text.size() == 24 && std::all_of(text.begin(), text.end(), [](char c) {
                       return std::isdigit(static_cast<unsigned char>(c)) ||
                              (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                     });
  const bool decimal =
      !text.empty() && text.size() <= 18 && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      });
  std::int64_t value = 0;
  if (hex24) {
    const std::string_view low = text.substr(8);  // the high 8 digits must be zero
    if (text.substr(0, 8) == "00000000" &&
        std::from_chars(low.data(), low.data() + low.size(), value, 16).ec == std::errc{} &&
        value > 0) {
      return value;
    }
  } else if (decimal &&
             std::from_chars(text.data(), text.data() + text.size(), value).ec == std::errc{} &&
             value > 0) {
    return value;
  }
  return core::Fail(
      ErrorCode::kInvalidArgument,
      fmt::format("invalid {} '{}': expected a 24-hex object id or a number", what, text));
}

void WriteKdtError(httplib::Response& res, const core::Error& error) {
  WriteJson(res, HttpStatusFor(error.code), {{"error", error.message}});
}

void KdtGet(httplib::Server& svr, ApiContext& ctx, const std::string& path, storage::Role role,
            KdtHandler handler) {
  svr.Get(std::string(kApiPrefix) + path, Guard(ctx, "X-Cookie", role, handler));
  svr.Get(std::string(kAspmPrefix) + path, Guard(ctx, "X-Auth", role, std::move(handler)));
}

void KdtPost(httplib::Server& svr, ApiContext& ctx, const std::string& path, storage::Role role,
             KdtHandler handler) {
  svr.Post(std::string(kApiPrefix) + path, Guard(ctx, "X-Cookie", role, handler));
  svr.Post(std::string(kAspmPrefix) + path, Guard(ctx, "X-Auth", role, std::move(handler)));
}

void KdtPostStreamed(httplib::Server& svr, ApiContext& ctx, const std::string& path,
                     storage::Role role, KdtStreamHandler handler) {
  svr.Post(std::string(kApiPrefix) + path, StreamGuard(ctx, "X-Cookie", role, handler));
  svr.Post(std::string(kAspmPrefix) + path, StreamGuard(ctx, "X-Auth", role, std::move(handler)));
}

core::Result<storage::Project> ResolveProject(ApiContext& ctx, std::string_view name_or_id) {
  if (name_or_id.empty()) {
    return core::Fail(ErrorCode::kInvalidArgument, "project name or id is required");
  }
  auto by_name = ctx.store.Projects().GetByName(name_or_id);
  if (by_name || by_name.error().code != ErrorCode::kNotFound) return by_name;
  if (auto id = ParseId(name_or_id, "project id")) {
    auto by_id = ctx.store.Projects().Get(*id);
    if (by_id || by_id.error().code != ErrorCode::kNotFound) return by_id;
  }
  return core::Fail(ErrorCode::kNotFound,
                    fmt::format("project '{}' not found (give its name or id)", name_or_id));
}

core::Result<std::vector<storage::Scan>> ProjectScansNewestFirst(ApiContext& ctx,
                                                                 std::int64_t project_id) {
  std::vector<storage::Scan> scans;
  storage::ScanFilter filter;
  filter.project_id = project_id;
  storage::PageRequest page{1000, ""};
  while (true) {
    auto got = ctx.store.Scans().List(filter, page);
    if (!got) return std::unexpected(got.error());
    for (auto& s : got->items) scans.push_back(std::move(s));
    if (got->next_cursor.empty()) break;
    page.cursor = got->next_cursor;
  }
  std::reverse(scans.begin(), scans.end());
  return scans;
}

std::string BaseUrl(const httplib::Request& req) {
  const std::string host = req.get_header_value("Host");
  return "http://" + (host.empty() ? std::string("localhost") : host);
}

std::string Query(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

core::Result<nlohmann::json> JsonBody(const httplib::Request& req) {
  auto body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return core::Fail(ErrorCode::kInvalidArgument, "request body must be a JSON object");
  }
  return body;
}

nlohmann::json ProjectJson(const httplib::Request& req, const storage::Project& project) {
  return {{"id", RenderId(project.id)},
          {"name", project.name},
          {"default_branch", project.default_branch},
          {"labels", nlohmann::json::array()},
          {"team", {{"id", ""}, {"name", ""}}},
          {"created_at", Rfc3339(project.created_at)},
          {"links", {{"html", fmt::format("{}/projects/{}", BaseUrl(req), project.id)}}}};
}

nlohmann::json ScannerJson() {
  auto param = [](const char* type, const char* description, nlohmann::json example,
                  bool optional) {
    return nlohmann::json{{"type", type},
                          {"description", description},
                          {"examples", std::move(example)},
                          {"default_value", ""},
                          {"optional", optional}};
  };
  return {{"id", RenderId(kScannerId)},
          {"type", "sca"},
          {"slug", kTool},
          {"display_name", "JFrog Xray SCA"},
          {"labels", {"kdt", "import", "bind"}},
          {"custom_type", 0},
          {"disabled", false},
          {"params",
           {{"repository_key", param("string", "JFrog repository key the project is bound to",
                                     "libs-release-local", false)},
            {"include_patterns",
             param("string_slice", "path patterns to include (separate with ;)", "app/**", true)},
            {"exclude_patterns", param("string_slice", "path patterns to exclude (separate with ;)",
                                       "test/**", true)}}}};
}

nlohmann::json ScanparamsJson(const storage::ScannerConfig& config,
                              const storage::Project& project) {
  return {{"id", RenderId(config.id)},
          {"branch", config.branch},
          {"bind_name", config.repository_key},
          {"environment", config.environment},
          {"meta_data", config.meta_data},
          {"scan_tag", config.scan_tag},
          {"manual", false},
          {"tool", {{"id", RenderId(kScannerId)}, {"name", kTool}, {"type", "sca"}}},
          {"project", {{"id", RenderId(project.id)}, {"name", project.name}}},
          {"custom",
           {{"type", 0},
            {"params",
             {{"repository_key", config.repository_key},
              {"include_patterns", config.include_patterns},
              {"exclude_patterns", config.exclude_patterns}}}}}};
}

nlohmann::json SummaryJson(const domain::SeverityCounts& c) {
  return {{"critical", c.critical},
          {"high", c.high},
          {"medium", c.medium},
          {"low", c.low},
          {"info", c.info}};
}

int Score(const storage::Scan& scan) { return static_cast<int>(std::lround(scan.risk_score)); }

nlohmann::json ScanDetailJson(const httplib::Request& req, const storage::Scan& scan,
                              const std::string& project_name) {
  return {{"id", RenderId(scan.id)},
          {"name", project_name},
          {"branch", scan.branch},
          {"scan_type", scan.method},
          {"meta_data", scan.meta_data},
          {"tool", scan.tool},
          {"scanner_type", "sca"},
          {"environment", scan.environment},
          {"date", Rfc3339(scan.finished_at.value_or(scan.created_at))},
          {"project", project_name},
          {"score", Score(scan)},
          {"summary", SummaryJson(scan.summary)},
          {"links", {{"html", fmt::format("{}/scans/{}", BaseUrl(req), scan.id)}}}};
}

int EventStatus(storage::ScanState state) {
  using storage::ScanState;
  switch (state) {
    case ScanState::kWaiting:
      return 0;
    case ScanState::kStarting:
      return 1;
    case ScanState::kRunning:
      return 2;
    case ScanState::kRetrievingResults:
      return 3;
    case ScanState::kAnalyzing:
      return 4;
    case ScanState::kNotifying:
      return 5;
    case ScanState::kFinished:
      return 6;
    case ScanState::kFailed:
    case ScanState::kCanceled:
      return -1;
  }
  return -1;
}

int EventActive(storage::ScanState state) {
  if (state == storage::ScanState::kFinished) return 0;
  if (storage::IsFinal(state)) return -1;
  return 1;
}

nlohmann::json EventJson(const httplib::Request& req, const storage::Scan& scan) {
  std::string message;
  if (scan.state == storage::ScanState::kCanceled) {
    message = scan.error.value_or("the scan was canceled");
  } else if (scan.state == storage::ScanState::kFailed) {
    message = scan.error.value_or("the scan failed");
    if (scan.hint) message += "; " + *scan.hint;
  }
  return {{"id", RenderId(scan.id)},
          {"status", EventStatus(scan.state)},
          {"active", EventActive(scan.state)},
          {"scan_id", RenderId(scan.id)},
          {"status_text", StatusText(scan.state)},
          {"message", message},
          {"links", {{"html", fmt::format("{}/scans/{}", BaseUrl(req), scan.id)}}}};
}

}  // namespace bulwark::http::kdt
