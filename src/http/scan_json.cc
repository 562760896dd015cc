#include "http/scan_json.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>

namespace bulwark::http {

using nlohmann::json;

std::string Rfc3339(storage::Time t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", secs, static_cast<int>(ms.count() % 1000));
}

json OptTime(const std::optional<storage::Time>& t) { return t ? json(Rfc3339(*t)) : json(); }

json CountsJson(const domain::SeverityCounts& c) {
  return {{"critical", c.critical},
          {"high", c.high},
          {"medium", c.medium},
          {"low", c.low},
          {"info", c.info}};
}

json ScanJson(const storage::Scan& s, const std::string& project_name) {
  return {{"id", s.id},
          {"project_id", s.project_id},
          {"project_name", project_name},
          {"scanner_id", s.scanner_config_id ? json(*s.scanner_config_id) : json()},
          {"tool", s.tool},
          {"method", s.method},
          {"branch", s.branch},
          {"environment", s.environment},
          {"meta_data", s.meta_data},
          {"scan_tag", s.scan_tag},
          {"state", storage::ScanStateName(s.state)},
          {"progress", s.progress},
          {"error", s.error ? json(*s.error) : json()},
          {"hint", s.hint ? json(*s.hint) : json()},
          {"summary", CountsJson(s.summary)},
          {"risk_score", s.risk_score},
          {"new_findings", s.new_findings},
          {"fixed_findings", s.fixed_findings},
          {"created_at", Rfc3339(s.created_at)},
          {"started_at", OptTime(s.started_at)},
          {"finished_at", OptTime(s.finished_at)},
          {"links",
           {{"html", fmt::format("/#/projects/{}/scans/{}", s.project_id, s.id)},
            {"api", fmt::format("/api/v1/scans/{}", s.id)}}}};
}

namespace {

json CvssScore(const domain::Cvss& c) { return c.score ? json(*c.score) : json(); }

}  // namespace

json FindingJson(const storage::StoredFinding& s) {
  const domain::Finding& f = s.finding;
  json cves = json::array();
  for (const auto& c : f.cves) {
    cves.push_back({{"id", c.id},
                    {"cvss_v2_score", CvssScore(c.v2)},
                    {"cvss_v2_vector", c.v2.vector},
                    {"cvss_v3_score", CvssScore(c.v3)},
                    {"cvss_v3_vector", c.v3.vector},
                    {"cvss_v4_score", CvssScore(c.v4)},
                    {"cvss_v4_vector", c.v4.vector},
                    {"cwes", c.cwes}});
  }
  json artifacts = json::array();
  json paths = json::array();
  json locations = json::array();
  for (const auto& l : f.locations) {
    if (!l.artifact.empty()) artifacts.push_back(l.artifact);
    for (const auto& p : l.impact_paths) paths.push_back(p);
    locations.push_back(
        {{"artifact", l.artifact}, {"path", l.path}, {"impact_paths", l.impact_paths}});
  }
  json triage;
  if (s.triage) {
    triage = {{"state", domain::TriageStateName(s.triage->state)},
              {"reason", s.triage->reason},
              {"expires_at", OptTime(s.triage->expires_at)},
              {"by", s.triage->decided_by},
              {"at", Rfc3339(s.triage->decided_at)}};
  }
  return {{"id", s.id},
          {"project_id", s.project_id},
          {"branch", s.branch},
          {"tool", s.tool},
          {"fingerprint", s.fingerprint},
          {"vulnerability_key", s.vulnerability_key},
          {"issue_id", f.issue_id},
          {"kind", domain::FindingKindName(f.kind)},
          {"violation_type", domain::ViolationTypeName(f.violation_type)},
          {"severity", domain::SeverityName(f.severity)},
          {"state", domain::FindingStatusName(s.status)},
          {"component", f.component.name},
          {"component_type", f.component.type},
          {"component_version", f.component.version},
          {"component_id", f.component.id},
          {"summary", f.summary},
          {"description", f.description},
          {"cves", cves},
          {"cwes", f.cwes},
          {"fixed_versions", f.fixed_versions},
          {"impacted_artifacts", artifacts},
          {"impact_paths", paths},
          {"locations", locations},
          {"applicability", f.applicability},
          {"references", f.references},
          {"published", f.published},
          {"license", f.license},
          {"watch", f.watch},
          {"policies", f.policies},
          {"triage", triage},
          {"first_seen_at", Rfc3339(s.first_seen_at)},
          {"last_seen_at", Rfc3339(s.last_seen_at)},
          {"fixed_at", OptTime(s.fixed_at)},
          {"first_scan_id", s.first_scan_id ? json(*s.first_scan_id) : json()},
          {"last_scan_id", s.last_scan_id ? json(*s.last_scan_id) : json()}};
}

std::optional<std::int64_t> ParseId(const std::string& text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

}  // namespace bulwark::http
