#include "http/scan_json.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>

#include "http/json_writer.h"

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

void Cvss(JsonWriter& w, std::string_view prefix, const domain::Cvss& c) {
  w.Key(fmt::format("cvss_{}_score", prefix));
  if (c.score) {
    w.Double(*c.score);
  } else {
    w.Null();
  }
  w.Key(fmt::format("cvss_{}_vector", prefix)).String(c.vector);
}

void WriteTime(JsonWriter& w, std::string_view key, const std::optional<storage::Time>& t) {
  w.Key(key);
  if (t) {
    w.String(Rfc3339(*t));
  } else {
    w.Null();
  }
}

}  // namespace

// Keys in byte order, as nlohmann/json writes its objects, so both forms are the same text.
void AppendFindingJson(std::string& out, const storage::StoredFinding& s) {
  const domain::Finding& f = s.finding;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("applicability").String(f.applicability);
  w.Key("branch").String(s.branch);
  w.Key("component").String(f.component.name);
  w.Key("component_id").String(f.component.id);
  w.Key("component_type").String(f.component.type);
  w.Key("component_version").String(f.component.version);
  w.Key("cves").BeginArray();
  for (const auto& c : f.cves) {
    w.BeginObject();
    Cvss(w, "v2", c.v2);
    Cvss(w, "v3", c.v3);
    Cvss(w, "v4", c.v4);
    w.Key("cwes").Strings(c.cwes);
    w.Key("id").String(c.id);
    w.EndObject();
  }
  w.EndArray();
  w.Key("cwes").Strings(f.cwes);
  w.Key("description").String(f.description);
  w.Key("fingerprint").String(s.fingerprint);
  w.Key("first_scan_id").OptInt(s.first_scan_id);
  WriteTime(w, "first_seen_at", s.first_seen_at);
  WriteTime(w, "fixed_at", s.fixed_at);
  w.Key("fixed_versions").Strings(f.fixed_versions);
  w.Key("id").Int(s.id);
  w.Key("impact_paths").BeginArray();
  for (const auto& l : f.locations) {
    for (const auto& p : l.impact_paths) w.Strings(p);
  }
  w.EndArray();
  w.Key("impacted_artifacts").BeginArray();
  for (const auto& l : f.locations) {
    if (!l.artifact.empty()) w.String(l.artifact);
  }
  w.EndArray();
  w.Key("issue_id").String(f.issue_id);
  w.Key("kind").String(domain::FindingKindName(f.kind));
  w.Key("last_scan_id").OptInt(s.last_scan_id);
  WriteTime(w, "last_seen_at", s.last_seen_at);
  w.Key("license").String(f.license);
  w.Key("locations").BeginArray();
  for (const auto& l : f.locations) {
    w.BeginObject().Key("artifact").String(l.artifact).Key("impact_paths").BeginArray();
    for (const auto& p : l.impact_paths) w.Strings(p);
    w.EndArray().Key("path").String(l.path).EndObject();
  }
  w.EndArray();
  w.Key("policies").Strings(f.policies);
  w.Key("project_id").Int(s.project_id);
  w.Key("published").String(f.published);
  w.Key("references").Strings(f.references);
  w.Key("severity").String(domain::SeverityName(f.severity));
  w.Key("state").String(domain::FindingStatusName(s.status));
  w.Key("summary").String(f.summary);
  w.Key("tool").String(s.tool);
  w.Key("triage");
  if (s.triage) {
    w.BeginObject();
    WriteTime(w, "at", s.triage->decided_at);
    w.Key("by").String(s.triage->decided_by);
    WriteTime(w, "expires_at", s.triage->expires_at);
    w.Key("reason").String(s.triage->reason);
    w.Key("state").String(domain::TriageStateName(s.triage->state));
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("violation_type").String(domain::ViolationTypeName(f.violation_type));
  w.Key("vulnerability_key").String(s.vulnerability_key);
  w.Key("watch").String(f.watch);
  w.EndObject();
}

json FindingJson(const storage::StoredFinding& s) {
  std::string text;
  AppendFindingJson(text, s);
  return json::parse(text);
}

std::optional<std::int64_t> ParseId(const std::string& text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

}  // namespace bulwark::http
