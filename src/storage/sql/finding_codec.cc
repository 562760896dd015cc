#include "storage/sql/finding_codec.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "storage/sql/row_codec.h"

namespace bulwark::storage::sql {
namespace {

using nlohmann::json;

json CvssJson(const domain::Cvss& c) {
  if (!c.score && c.vector.empty()) return nullptr;
  return json::array({c.score ? json(*c.score) : json(nullptr), c.vector});
}

domain::Cvss ReadCvss(const json& j) {
  domain::Cvss c;
  if (!j.is_array() || j.size() != 2) return c;
  if (j[0].is_number()) c.score = j[0].get<double>();
  if (j[1].is_string()) c.vector = j[1].get<std::string>();
  return c;
}

std::string CvesText(const std::vector<domain::Cve>& cves) {
  if (cves.empty()) return "";
  json out = json::array();
  for (const auto& c : cves) {
    out.push_back({{"id", c.id},
                   {"v2", CvssJson(c.v2)},
                   {"v3", CvssJson(c.v3)},
                   {"v4", CvssJson(c.v4)},
                   {"cwes", c.cwes}});
  }
  return out.dump();
}

std::string LocationsText(const std::vector<domain::Location>& locations) {
  if (locations.empty()) return "";
  json out = json::array();
  for (const auto& l : locations) {
    out.push_back({{"artifact", l.artifact}, {"path", l.path}, {"impact_paths", l.impact_paths}});
  }
  return out.dump();
}

std::string CveIds(const std::vector<domain::Cve>& cves) {
  std::string out;
  for (const auto& c : cves) {
    if (c.id.empty()) continue;
    if (!out.empty()) out += ' ';
    out += c.id;
  }
  return out;
}

}  // namespace

std::vector<Value> FindingContent(const domain::Finding& f) {
  return {std::string(domain::FindingKindName(f.kind)),
          std::string(domain::ViolationTypeName(f.violation_type)),
          Int(static_cast<int>(f.severity)),
          f.issue_id,
          f.component.type,
          f.component.name,
          f.component.version,
          f.component.id,
          CveIds(f.cves),
          CvesText(f.cves),
          Lines(f.cwes),
          Lines(f.fixed_versions),
          LocationsText(f.locations),
          f.applicability,
          Lines(f.references),
          f.summary,
          f.description,
          f.published,
          f.license,
          f.watch,
          Lines(f.policies)};
}

std::string ContentHash(const std::vector<Value>& content) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (const Value& v : content) {
    const std::string& s = v ? *v : std::string();
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ (v ? 0x1fu : 0x1eu)) * 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

void ReadFindingContent(const Row& r, size_t i, domain::Finding& f) {
  const std::string kind = ToText(r[i]);
  f.kind = kind == "license"     ? domain::FindingKind::kLicense
           : kind == "violation" ? domain::FindingKind::kViolation
                                 : domain::FindingKind::kVulnerability;
  const std::string vt = ToText(r[i + 1]);
  f.violation_type = vt == "security"           ? domain::ViolationType::kSecurity
                     : vt == "license"          ? domain::ViolationType::kLicense
                     : vt == "operational_risk" ? domain::ViolationType::kOperationalRisk
                                                : domain::ViolationType::kNone;
  f.severity = static_cast<domain::Severity>(ToInt(r[i + 2]));
  f.issue_id = ToText(r[i + 3]);
  f.component.type = ToText(r[i + 4]);
  f.component.name = ToText(r[i + 5]);
  f.component.version = ToText(r[i + 6]);
  f.component.id = ToText(r[i + 7]);
  const std::string cves = ToText(r[i + 9]);
  if (!cves.empty()) {
    for (const auto& c : json::parse(cves, nullptr, false)) {
      if (!c.is_object()) continue;
      domain::Cve cve;
      cve.id = c.value("id", "");
      cve.v2 = ReadCvss(c.value("v2", json()));
      cve.v3 = ReadCvss(c.value("v3", json()));
      cve.v4 = ReadCvss(c.value("v4", json()));
      cve.cwes = c.value("cwes", std::vector<std::string>{});
      f.cves.push_back(std::move(cve));
    }
  }
  f.cwes = ToLines(r[i + 10]);
  f.fixed_versions = ToLines(r[i + 11]);
  const std::string locations = ToText(r[i + 12]);
  if (!locations.empty()) {
    for (const auto& l : json::parse(locations, nullptr, false)) {
      if (!l.is_object()) continue;
      domain::Location loc;
      loc.artifact = l.value("artifact", "");
      loc.path = l.value("path", "");
      loc.impact_paths = l.value("impact_paths", std::vector<std::vector<std::string>>{});
      f.locations.push_back(std::move(loc));
    }
  }
  f.applicability = ToText(r[i + 13]);
  f.references = ToLines(r[i + 14]);
  f.summary = ToText(r[i + 15]);
  f.description = ToText(r[i + 16]);
  f.published = ToText(r[i + 17]);
  f.license = ToText(r[i + 18]);
  f.watch = ToText(r[i + 19]);
  f.policies = ToLines(r[i + 20]);
}

}  // namespace bulwark::storage::sql
