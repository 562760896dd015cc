// --output sarif: SARIF 2.1.0 (OASIS), the format code-scanning UIs (GitHub, GitLab, Azure DevOps)
// read. Findings of a dependency scan have no source line; each result points at the manifest its
// package type is declared in (or the path the server reports) so the UIs accept it.
#include <fmt/format.h>

#include <map>

#include "cli/output.h"

namespace bulwark::cli {
namespace {

using domain::Severity;
using nlohmann::json;

const char* Level(Severity s) {
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh:
      return "error";
    case Severity::kMedium:
      return "warning";
    default:
      return "note";
  }
}

// GitHub's "security-severity": a CVSS-like score as a string.
std::string SecuritySeverity(const FindingInfo& f) {
  if (f.cvss) return fmt::format("{:.1f}", *f.cvss);
  switch (f.severity) {
    case Severity::kCritical:
      return "9.5";
    case Severity::kHigh:
      return "8.0";
    case Severity::kMedium:
      return "5.5";
    case Severity::kLow:
      return "2.0";
    default:
      return "0.0";
  }
}

std::string ManifestFor(const FindingInfo& f) {
  if (!f.location.empty()) return f.location;
  static const std::map<std::string, std::string> kManifests = {
      {"npm", "package.json"},      {"maven", "pom.xml"},          {"gav", "pom.xml"},
      {"gradle", "build.gradle"},   {"pypi", "requirements.txt"},  {"go", "go.mod"},
      {"golang", "go.mod"},         {"nuget", "packages.config"},  {"gem", "Gemfile.lock"},
      {"rubygems", "Gemfile.lock"}, {"composer", "composer.json"}, {"cargo", "Cargo.toml"},
      {"docker", "Dockerfile"},     {"rpm", "Dockerfile"},         {"deb", "Dockerfile"},
      {"debian", "Dockerfile"},     {"alpine", "Dockerfile"},      {"generic", "."},
  };
  auto it = kManifests.find(f.component_type);
  return it == kManifests.end() ? "." : it->second;
}

std::string Message(const FindingInfo& f) {
  std::string text = fmt::format("{} is affected by {}", f.ComponentLabel(), f.VulnerabilityKey());
  if (!f.issue_id.empty() && !f.cves.empty()) {
    std::string cves;
    for (const std::string& c : f.cves) cves += (cves.empty() ? "" : ", ") + c;
    text += " (" + cves + ")";
  }
  text += fmt::format(" [{}]", domain::SeverityName(f.severity));
  if (!f.summary.empty()) text += ": " + f.summary;
  if (!f.fixed_versions.empty()) {
    std::string fixed;
    for (const std::string& v : f.fixed_versions) fixed += (fixed.empty() ? "" : ", ") + v;
    text += ". Fixed in " + fixed + ".";
  } else {
    text += ". No fixed version is known.";
  }
  return text;
}

json Rule(const FindingInfo& f) {
  const std::string key = f.VulnerabilityKey();
  json tags = json::array({"security", f.kind.empty() ? "vulnerability" : f.kind});
  for (const std::string& c : f.cves) tags.push_back(c);
  json rule = {{"id", key},
               {"shortDescription", {{"text", f.summary.empty() ? key : f.summary}}},
               {"fullDescription", {{"text", Message(f)}}},
               {"defaultConfiguration", {{"level", Level(f.severity)}}},
               {"properties", {{"security-severity", SecuritySeverity(f)}, {"tags", tags}}}};
  if (!f.cves.empty()) rule["helpUri"] = "https://nvd.nist.gov/vuln/detail/" + f.cves.front();
  return rule;
}

}  // namespace

json BuildSarif(const ScanInfo& scan, const std::vector<FindingInfo>& findings,
                const std::string& version) {
  json rules = json::array();
  std::map<std::string, std::size_t> rule_index;
  json results = json::array();
  for (const FindingInfo& f : findings) {
    const std::string key = f.VulnerabilityKey();
    auto [it, inserted] = rule_index.try_emplace(key, rules.size());
    if (inserted) {
      rules.push_back(Rule(f));
    } else if (std::stod(SecuritySeverity(f)) >
               std::stod(rules[it->second]["properties"]["security-severity"].get<std::string>())) {
      rules[it->second] = Rule(f);  // a rule carries the highest severity of its findings
    }
    json result = {
        {"ruleId", key},
        {"ruleIndex", it->second},
        {"level", Level(f.severity)},
        {"message", {{"text", Message(f)}}},
        {"locations",
         json::array({{{"physicalLocation", {{"artifactLocation", {{"uri", ManifestFor(f)}}}}}}})},
        {"partialFingerprints",
         {{"bulwarkFinding/v1",
           fmt::format("{}|{}|{}", key, f.component_name, f.component_version)}}},
        {"properties",
         {{"severity", domain::SeverityName(f.severity)},
          {"component", f.ComponentLabel()},
          {"fixed_versions", f.fixed_versions},
          {"finding_id", f.id}}}};
    results.push_back(std::move(result));
  }
  json run = {{"tool", {{"driver", {{"name", "Bulwark"}, {"version", version}, {"rules", rules}}}}},
              {"automationDetails",
               {{"id", fmt::format("bulwark/{}/{}/", scan.tool.empty() ? "scan" : scan.tool,
                                   scan.branch.empty() ? "default" : scan.branch)}}},
              {"results", results},
              {"properties",
               {{"scan_id", scan.id},
                {"project", scan.project_name},
                {"branch", scan.branch},
                {"risk_score", scan.risk_score}}}};
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", json::array({run})}};
}

}  // namespace bulwark::cli
