#include "cli/api_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

namespace bulwark::cli {
namespace {

using core::ErrorCode;
using nlohmann::json;

// A string field that may also arrive as a number (ids); "" when absent.
std::string Str(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  if (it->is_number() || it->is_boolean()) return it->dump();
  return "";
}

double Num(const json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return 0;
  return it->get<double>();
}

std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (!j.is_object()) return out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const json& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

SeverityCounts ParseCounts(const json& j) {
  SeverityCounts c;
  c.critical = static_cast<int>(Num(j, "critical"));
  c.high = static_cast<int>(Num(j, "high"));
  c.medium = static_cast<int>(Num(j, "medium"));
  c.low = static_cast<int>(Num(j, "low"));
  c.info = static_cast<int>(Num(j, "info"));
  return c;
}

ErrorCode CodeForStatus(int status) {
  switch (status) {
    case 400:
      return ErrorCode::kInvalidArgument;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kConflict;
    case 413:
      return ErrorCode::kTooLarge;
    case 422:
      return ErrorCode::kDataLoss;
    default:
      return status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInternal;
  }
}

std::string HintForStatus(int status) {
  switch (status) {
    case 401:
      return " (check the token: --token, BULWARK_TOKEN or 'token' in the config file)";
    case 403:
      return " (the token's role does not allow this; use a member or admin token)";
    case 413:
      return " (the file is larger than the server accepts)";
    default:
      return "";
  }
}

template <typename T, typename F>
Page<T> ParsePage(const json& body, const char* key, F parse) {
  Page<T> page;
  if (auto it = body.find(key); it != body.end() && it->is_array()) {
    for (const json& item : *it) page.items.push_back(parse(item));
  }
  page.total = static_cast<std::int64_t>(Num(body, "total"));
  page.next_cursor = Str(body, "next_cursor");
  return page;
}

std::string Query(std::initializer_list<std::pair<const char*, std::string>> params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    out += out.empty() ? '?' : '&';
    out += k;
    out += '=';
    out += UrlEncode(v);
  }
  return out;
}

void AddPart(std::string& body, const std::string& boundary, const std::string& name,
             const std::string& value) {
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n";
  body += value;
  body += "\r\n";
}

}  // namespace

int SeverityCounts::Get(domain::Severity s) const {
  switch (s) {
    case domain::Severity::kCritical:
      return critical;
    case domain::Severity::kHigh:
      return high;
    case domain::Severity::kMedium:
      return medium;
    case domain::Severity::kLow:
      return low;
    case domain::Severity::kInfo:
      break;
  }
  return info;
}

void SeverityCounts::Add(domain::Severity s, int n) {
  switch (s) {
    case domain::Severity::kCritical:
      critical += n;
      return;
    case domain::Severity::kHigh:
      high += n;
      return;
    case domain::Severity::kMedium:
      medium += n;
      return;
    case domain::Severity::kLow:
      low += n;
      return;
    case domain::Severity::kInfo:
      info += n;
      return;
  }
}

std::string FindingInfo::VulnerabilityKey() const {
  if (!issue_id.empty()) return issue_id;
  std::string out;
  for (const std::string& cve : cves) out += (out.empty() ? "" : ",") + cve;
  return out.empty() ? "finding " + id : out;
}

std::string FindingInfo::ComponentLabel() const {
  std::string name = component_name.empty() ? "(unknown component)" : component_name;
  return component_version.empty() ? name : name + "@" + component_version;
}

bool FindingInfo::Triaged() const {
  return state == "false_positive" || state == "risk_accepted" || state == "not_affected";
}

ScanInfo ParseScan(const json& j) {
  ScanInfo s;
  s.id = Str(j, "id");
  s.project_id = Str(j, "project_id");
  s.project_name = Str(j, "project_name");
  s.scanner_id = Str(j, "scanner_id");
  s.tool = Str(j, "tool");
  s.method = Str(j, "method");
  s.branch = Str(j, "branch");
  s.environment = Str(j, "environment");
  s.meta_data = Str(j, "meta_data");
  s.scan_tag = Str(j, "scan_tag");
  s.state = Str(j, "state");
  s.error = Str(j, "error");
  s.hint = Str(j, "hint");
  s.progress = Num(j, "progress");
  if (auto it = j.find("summary"); it != j.end()) s.summary = ParseCounts(*it);
  s.risk_score = Num(j, "risk_score");
  s.new_findings = static_cast<int>(Num(j, "new_findings"));
  s.fixed_findings = static_cast<int>(Num(j, "fixed_findings"));
  s.created_at = Str(j, "created_at");
  s.started_at = Str(j, "started_at");
  s.finished_at = Str(j, "finished_at");
  if (auto it = j.find("links"); it != j.end() && it->is_object()) {
    s.html_link = Str(*it, "html");
    s.api_link = Str(*it, "api");
  }
  s.raw = j;
  return s;
}

FindingInfo ParseFinding(const json& j) {
  FindingInfo f;
  f.id = Str(j, "id");
  f.kind = Str(j, "kind");
  f.issue_id = Str(j, "issue_id");
  f.summary = Str(j, "summary");
  f.state = Str(j, "state");
  f.tool = Str(j, "tool");
  f.severity = domain::ParseSeverity(Str(j, "severity"));
  if (auto it = j.find("cves"); it != j.end() && it->is_array()) {
    for (const json& cve : *it) {
      std::string id = cve.is_string() ? cve.get<std::string>() : Str(cve, "id");
      if (!id.empty()) f.cves.push_back(id);
      if (!cve.is_object()) continue;
      for (const char* key : {"cvss_v3", "cvss_v2", "cvss_v4"}) {
        double score = Num(cve, (std::string(key) + "_score").c_str());
        if (auto c = cve.find(key); c != cve.end()) {
          score = std::max(score, c->is_number() ? c->get<double>() : Num(*c, "score"));
        }
        if (score > 0 && (!f.cvss || score > *f.cvss)) f.cvss = score;
      }
    }
  }
  if (auto it = j.find("component"); it != j.end() && it->is_object()) {
    f.component_type = Str(*it, "type");
    f.component_name = Str(*it, "name");
    f.component_version = Str(*it, "version");
  } else {  // flat form: component (the name), component_type, component_version
    f.component_name = Str(j, "component");
    f.component_type = Str(j, "component_type");
    f.component_version = Str(j, "component_version");
  }
  f.fixed_versions = Strings(j, "fixed_versions");
  if (auto it = j.find("triage"); it != j.end() && it->is_object()) {
    std::string triage = Str(*it, "state");
    if (!triage.empty() && triage != "open") f.state = triage;
  }
  if (auto it = j.find("locations"); it != j.end() && it->is_array() && !it->empty()) {
    f.location = Str((*it)[0], "path");
    if (f.location.empty()) f.location = Str((*it)[0], "artifact");
  }
  f.raw = j;
  return f;
}

ProjectInfo ParseProject(const json& j) {
  ProjectInfo p;
  p.id = Str(j, "id");
  p.name = Str(j, "name");
  p.description = Str(j, "description");
  p.default_branch = Str(j, "default_branch");
  if (auto it = j.find("links"); it != j.end() && it->is_object()) p.html_link = Str(*it, "html");
  return p;
}

ScannerInfo ParseScanner(const json& j) {
  return ScannerInfo{Str(j, "id"),          Str(j, "tool"),           Str(j, "branch"),
                     Str(j, "environment"), Str(j, "repository_key"), Str(j, "meta_data"),
                     Str(j, "scan_tag")};
}

std::string UrlEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

ApiClient::ApiClient(Connection connection, env::HttpTransport& transport)
    : connection_(std::move(connection)), transport_(transport) {
  while (!connection_.host.empty() && connection_.host.back() == '/') connection_.host.pop_back();
}

core::Result<json> ApiClient::Call(const std::string& method, const std::string& path,
                                   const std::string& content_type, std::string body) {
  env::HttpRequest req;
  req.method = method;
  req.url = connection_.host + "/api/v1" + path;
  req.insecure = connection_.insecure;
  req.headers = {{"Authorization", "Bearer " + connection_.token},
                 {"Accept", "application/json"},
                 {"User-Agent", "bulwark-cli"}};
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", content_type);
  req.body = std::move(body);
  req.timeout = std::chrono::minutes(5);
  const std::string what = fmt::format("{} {}", method, req.url);
  auto res = transport_.Send(req);
  if (!res) {
    return std::unexpected(res.error().ToError().Wrap(
        fmt::format("{} ({})", what, env::TransportErrorKindName(res.error().kind))));
  }
  json parsed = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (res->status < 200 || res->status >= 300) {
    std::string message = parsed.is_object() ? Str(parsed, "message") : "";
    std::string code = parsed.is_object() ? Str(parsed, "code") : "";
    if (message.empty()) message = res->body.substr(0, 200);
    return core::Fail(
        CodeForStatus(res->status),
        fmt::format("{}: HTTP {}{}: {}{}", what, res->status, code.empty() ? "" : " " + code,
                    message, HintForStatus(res->status)));
  }
  if (parsed.is_discarded()) {
    return core::Fail(ErrorCode::kDataLoss,
                      fmt::format("{}: the server answered HTTP {} with a body that is not JSON "
                                  "(is --host a Bulwark server?)",
                                  what, res->status));
  }
  return parsed;
}

core::Result<Page<ProjectInfo>> ApiClient::ListProjects(const std::string& name,
                                                        const std::string& cursor) {
  auto body =
      Call("GET", "/projects" + Query({{"name", name}, {"q", name}, {"cursor", cursor}}), "", "");
  if (!body) return std::unexpected(body.error());
  return ParsePage<ProjectInfo>(*body, "projects", ParseProject);
}

core::Result<ProjectInfo> ApiClient::FindProject(const std::string& name_or_id) {
  std::string cursor;
  do {
    auto page = ListProjects(name_or_id, cursor);
    if (!page) return std::unexpected(page.error());
    for (const ProjectInfo& p : page->items) {
      if (p.name == name_or_id) return p;
    }
    cursor = page->next_cursor;
  } while (!cursor.empty());
  auto by_id = Call("GET", "/projects/" + UrlEncode(name_or_id), "", "");
  if (by_id && by_id->is_object() && !Str(*by_id, "id").empty()) return ParseProject(*by_id);
  if (!by_id && by_id.error().code != ErrorCode::kNotFound &&
      by_id.error().code != ErrorCode::kInvalidArgument) {
    return std::unexpected(by_id.error());
  }
  return core::Fail(ErrorCode::kNotFound,
                    fmt::format("no project named '{}' (nor with that id); see `bulwark list "
                                "projects` for the projects this token can see",
                                name_or_id));
}

core::Result<Page<ScannerInfo>> ApiClient::ListScanners(const std::string& project_id,
                                                        const std::string& cursor) {
  auto body =
      Call("GET", "/projects/" + UrlEncode(project_id) + "/scanners" + Query({{"cursor", cursor}}),
           "", "");
  if (!body) return std::unexpected(body.error());
  return ParsePage<ScannerInfo>(*body, "scanners", ParseScanner);
}

core::Result<ScanInfo> ApiClient::StartScan(const std::string& project_id,
                                            const StartScanRequest& req) {
  // A scan started from the pipeline CLI is a "kdt" scan, whether it runs through the project's
  // scanner configuration or names the tool and branch (the server would call the former "bind").
  json body = {{"method", "kdt"}};
  if (!req.scanner_id.empty()) {
    auto id = req.scanner_id.find_first_not_of("0123456789") == std::string::npos
                  ? json(std::stoll(req.scanner_id))
                  : json(req.scanner_id);
    body["scanner_id"] = id;
  } else {
    body["tool"] = req.tool;
    body["branch"] = req.branch;
  }
  if (!req.environment.empty()) body["environment"] = req.environment;
  if (!req.meta_data.empty()) body["meta_data"] = req.meta_data;
  if (!req.scan_tag.empty()) body["scan_tag"] = req.scan_tag;
  auto res = Call("POST", "/projects/" + UrlEncode(project_id) + "/scans", "application/json",
                  body.dump());
  if (!res) return std::unexpected(res.error());
  return Absolute(ParseScan(*res));
}

core::Result<ScanInfo> ApiClient::Import(const std::string& project_id, const ImportRequest& req) {
  std::ifstream in(req.file_path, std::ios::binary);
  if (!in) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("--file {}: cannot be read (does it exist?)", req.file_path));
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string boundary = fmt::format("bulwark-{:016x}", std::random_device{}());
  std::string body;
  std::string filename = req.file_path.substr(req.file_path.find_last_of('/') + 1);
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
          filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
  body += content.str();
  body += "\r\n";
  AddPart(body, boundary, "tool", req.tool);
  AddPart(body, boundary, "branch", req.branch);
  if (!req.environment.empty()) AddPart(body, boundary, "environment", req.environment);
  if (!req.meta_data.empty()) AddPart(body, boundary, "meta_data", req.meta_data);
  if (!req.scan_tag.empty()) AddPart(body, boundary, "scan_tag", req.scan_tag);
  body += "--" + boundary + "--\r\n";
  auto res = Call("POST", "/projects/" + UrlEncode(project_id) + "/imports",
                  "multipart/form-data; boundary=" + boundary, std::move(body));
  if (!res) return std::unexpected(res.error());
  return Absolute(ParseScan(*res));
}

core::Result<ScanInfo> ApiClient::GetScan(const std::string& scan_id) {
  auto res = Call("GET", "/scans/" + UrlEncode(scan_id), "", "");
  if (!res) return std::unexpected(res.error());
  return Absolute(ParseScan(*res));
}

ScanInfo ApiClient::Absolute(ScanInfo scan) const {
  if (scan.html_link.starts_with("/")) scan.html_link = connection_.host + scan.html_link;
  if (scan.api_link.starts_with("/")) scan.api_link = connection_.host + scan.api_link;
  return scan;
}

core::Result<Page<ScanInfo>> ApiClient::ListScans(const std::string& project_id,
                                                  const std::string& branch,
                                                  const std::string& tool,
                                                  const std::string& cursor) {
  auto body = Call("GET",
                   "/projects/" + UrlEncode(project_id) + "/scans" +
                       Query({{"branch", branch}, {"tool", tool}, {"cursor", cursor}}),
                   "", "");
  if (!body) return std::unexpected(body.error());
  auto page = ParsePage<ScanInfo>(*body, "scans", ParseScan);
  // Filters the server may not apply itself.
  std::erase_if(page.items, [&](const ScanInfo& s) {
    return (!branch.empty() && s.branch != branch) || (!tool.empty() && s.tool != tool);
  });
  for (ScanInfo& s : page.items) s = Absolute(std::move(s));
  return page;
}

core::Result<ReleaseInfo> ApiClient::Release(const std::string& project_id,
                                             const std::string& branch) {
  auto body =
      Call("GET", "/projects/" + UrlEncode(project_id) + "/release" + Query({{"branch", branch}}),
           "", "");
  if (!body) return std::unexpected(body.error());
  const json& j = *body;
  ReleaseInfo info;
  info.branch = Str(j, "branch");
  info.status = Str(j, "status");
  if (auto it = j.find("counts"); it != j.end() && it->is_object()) info.counts = ParseCounts(*it);
  if (auto it = j.find("violations"); it != j.end() && it->is_array()) {
    for (const json& v : *it) {
      info.violations.push_back({Str(v, "severity"), static_cast<std::int64_t>(Num(v, "count")),
                                 static_cast<std::int64_t>(Num(v, "max"))});
    }
  }
  info.scan_id = Str(j, "scan_id");
  return info;
}

core::Result<ScanDiff> ApiClient::Diff(const std::string& scan_id) {
  auto body =
      Call("GET", "/scans/" + UrlEncode(scan_id) + "/diff?against=previous&limit=1000", "", "");
  if (!body) return std::unexpected(body.error());
  ScanDiff diff;
  const json& j = *body;
  if (auto it = j.find("new"); it != j.end()) {
    if (it->is_array()) {
      diff.lists = true;
      for (const json& f : *it) diff.new_findings.push_back(ParseFinding(f));
      diff.new_total = static_cast<int>(diff.new_findings.size());
    } else if (it->is_object()) {
      diff.new_counts = ParseCounts(*it);
      diff.new_total = static_cast<int>(Num(*it, "total"));
    } else if (it->is_number()) {
      diff.new_total = it->get<int>();
    }
  }
  if (auto it = j.find("fixed"); it != j.end()) {
    diff.fixed_total = it->is_array()    ? static_cast<int>(it->size())
                       : it->is_number() ? it->get<int>()
                                         : static_cast<int>(Num(*it, "total"));
  }
  // The lists hold at most `limit` findings; the counts are whole.
  if (auto it = j.find("counts"); it != j.end() && it->is_object()) {
    diff.new_total = static_cast<int>(Num(*it, "new"));
    diff.fixed_total = static_cast<int>(Num(*it, "fixed"));
  }
  return diff;
}

core::Result<Page<FindingInfo>> ApiClient::ListFindings(const std::string& project_id,
                                                        const FindingQuery& q) {
  auto body = Call("GET",
                   "/projects/" + UrlEncode(project_id) + "/findings" +
                       Query({{"branch", q.branch},
                              {"tool", q.tool},
                              {"severity", q.severity},
                              {"state", q.state},
                              {"limit", std::to_string(q.limit)},
                              {"cursor", q.cursor}}),
                   "", "");
  if (!body) return std::unexpected(body.error());
  return ParsePage<FindingInfo>(*body, "findings", ParseFinding);
}

}  // namespace bulwark::cli
