// ApiClient: the pipeline commands' (scan, import, status, list) only way to reach a Bulwark
// server — its native REST API under /api/v1, over an injected env::HttpTransport, with a bearer
// token. Responses are parsed here into the typed values below; every failure comes back as a
// core::Error whose message names the request and the server's own explanation, never the token.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "domain/finding.h"
#include "env/http_transport.h"

namespace bulwark::cli {

struct Connection {
  std::string host;   // base URL, e.g. https://bulwark.example.com (no trailing slash)
  std::string token;  // API token; never printed
  bool insecure = false;
};

struct SeverityCounts {
  int critical = 0, high = 0, medium = 0, low = 0, info = 0;
  int Get(domain::Severity s) const;
  void Add(domain::Severity s, int n = 1);
};

struct ProjectInfo {
  std::string id, name, description, default_branch, html_link;
};

struct ScannerInfo {
  std::string id, tool, branch, environment, repository_key, meta_data, scan_tag;
};

struct ScanInfo {
  std::string id, project_id, project_name, scanner_id, tool, method, branch, environment;
  std::string meta_data, scan_tag, state, error, hint;
  double progress = 0;  // 0..100
  SeverityCounts summary;
  double risk_score = 0;
  int new_findings = 0, fixed_findings = 0;
  std::string created_at, started_at, finished_at, html_link, api_link;
  nlohmann::json raw;  // the server's object as received (for --output json)

  bool Terminal() const { return state == "finished" || state == "failed" || state == "canceled"; }
};

struct FindingInfo {
  std::string id, kind, issue_id, summary, state, tool;
  domain::Severity severity = domain::Severity::kInfo;
  std::vector<std::string> cves;
  std::optional<double> cvss;  // highest CVSS score among the CVEs, when given
  std::string component_type, component_name, component_version;
  std::vector<std::string> fixed_versions;
  std::string location;  // a file path when the server knows one
  nlohmann::json raw;

  // Issue id when present, else the CVE ids joined by ",", else the finding id.
  std::string VulnerabilityKey() const;
  // "name@version" (name alone without a version).
  std::string ComponentLabel() const;
  // false_positive, risk_accepted, not_affected (also when given as a triage object).
  bool Triaged() const;
  bool Fixed() const { return state == "fixed"; }
};

// GET /scans/{id}/diff?against=previous: findings lists when the server sends them, otherwise
// only totals (counts_only).
struct ScanDiff {
  std::vector<FindingInfo> new_findings;
  std::optional<SeverityCounts> new_counts;  // when the server sent counts by severity
  int new_total = 0, fixed_total = 0;
  bool lists = false;  // new_findings holds every new finding
};

struct ImportRequest {
  std::string file_path;  // read and uploaded as the multipart part "file"
  std::string tool, branch, environment, meta_data, scan_tag;
};

struct StartScanRequest {
  std::string scanner_id;    // either this
  std::string tool, branch;  // or these
  std::string environment, meta_data, scan_tag;
};

struct FindingQuery {
  std::string branch, tool, severity, state;
  int limit = 100;
  std::string cursor;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
  std::string next_cursor;
};

// GET /api/v1/projects/{id}/release: the branch's status against the project's policy.
struct ReleaseViolationInfo {
  std::string severity;
  std::int64_t count = 0, max = 0;
};
struct ReleaseInfo {
  std::string branch;
  std::string status;  // "passed", "failed" or "undefined"
  SeverityCounts counts;
  std::vector<ReleaseViolationInfo> violations;
  std::string scan_id;  // "" when the branch has no finished scan
};

class ApiClient {
 public:
  // `transport` must outlive the client.
  ApiClient(Connection connection, env::HttpTransport& transport);

  // Project by exact name (filtered here too: the server may match substrings or ignore the
  // filter), else by id; kNotFound names what was looked for.
  core::Result<ProjectInfo> FindProject(const std::string& name_or_id);
  core::Result<Page<ProjectInfo>> ListProjects(const std::string& name, const std::string& cursor);
  core::Result<Page<ScannerInfo>> ListScanners(const std::string& project_id,
                                               const std::string& cursor);
  core::Result<ScanInfo> StartScan(const std::string& project_id, const StartScanRequest& req);
  core::Result<ScanInfo> Import(const std::string& project_id, const ImportRequest& req);
  core::Result<ScanInfo> GetScan(const std::string& scan_id);
  // Scans of the project; those of another branch or tool (when given) are left out here.
  core::Result<Page<ScanInfo>> ListScans(const std::string& project_id, const std::string& branch,
                                         const std::string& tool, const std::string& cursor);
  core::Result<ScanDiff> Diff(const std::string& scan_id);
  // `branch` empty = the project's default branch.
  core::Result<ReleaseInfo> Release(const std::string& project_id, const std::string& branch);
  core::Result<Page<FindingInfo>> ListFindings(const std::string& project_id,
                                               const FindingQuery& query);

 private:
  core::Result<nlohmann::json> Call(const std::string& method, const std::string& path,
                                    const std::string& content_type, std::string body);

  // Links the server gives relative to its root, made absolute.
  ScanInfo Absolute(ScanInfo scan) const;

  Connection connection_;
  env::HttpTransport& transport_;
};

// Parsers of the server's JSON objects (tolerant of missing fields and of numeric ids).
ScanInfo ParseScan(const nlohmann::json& j);
FindingInfo ParseFinding(const nlohmann::json& j);
ProjectInfo ParseProject(const nlohmann::json& j);
ScannerInfo ParseScanner(const nlohmann::json& j);

// Percent-encodes a query value or path segment.
std::string UrlEncode(std::string_view text);

}  // namespace bulwark::cli
