// API response shapes users upload: B6 summary/artifact, B8 violations, B10 legacy build scan.
#include <fmt/format.h>

#include "ingest/parsers.h"

namespace bulwark::ingest::internal {
namespace {

constexpr std::string_view kSummary = "xray-summary-artifact";
constexpr std::string_view kViolations = "xray-violations";
constexpr std::string_view kLegacy = "xray-legacy-build-scan";

[[noreturn]] void WrongType(std::string_view format, const std::string& path,
                            std::string_view key) {
  RefuseAt(format, fmt::format("{}.{}", path, key), "value has the wrong JSON type");
}

// B6 issues name the vulnerable package only at the end of impact_path strings
// ("…/layer.tar.gz/3.12:openssl:1.1.1k-r0"): the last segment split at its last ':'.
domain::Component ComponentFromImpactPath(std::string_view path) {
  auto slash = path.rfind('/');
  std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  domain::Component c;
  c.id = last;
  if (last.find("://") != std::string_view::npos) return domain::ParseComponentId(last);
  auto colon = last.rfind(':');
  c.name = colon == std::string_view::npos ? last : last.substr(0, colon);
  if (colon != std::string_view::npos) c.version = last.substr(colon + 1);
  return c;
}

struct Artifact {
  std::string name, path;
};

void ReadSummaryIssue(od::object object, const Artifact& artifact, const std::string& path,
                      Emitter& out) {
  domain::Finding base;
  std::vector<std::string> impact_paths;
  std::vector<std::pair<domain::Component, std::vector<std::string>>> components;
  bool has_id = false;
  std::string_view current;
  try {
    for (auto field_result : object) {
      od::field& field = InPlace(field_result);
      current = KeyOf(field);
      od::value& value = field.value();
      if (current == "issue_id") {
        base.issue_id = String(value);
        has_id = true;
      } else if (current == "summary") {
        base.summary = String(value);
        has_id = true;
      } else if (current == "description") {
        base.description = String(value);
      } else if (current == "severity") {
        base.severity = domain::ParseSeverity(StringView(value));
      } else if (current == "cves") {
        base.cves = ParseCves(value);
      } else if (current == "created") {
        base.published = String(value);
      } else if (current == "impact_path") {
        impact_paths = Strings(value);
      } else if (current == "components") {
        for (auto c : value.get_array()) {
          domain::Component component;
          std::vector<std::string> fixed;
          for (auto cf_result : c.get_object()) {
            od::field& cf = InPlace(cf_result);
            std::string_view k = KeyOf(cf);
            if (k == "component_id") component = domain::ParseComponentId(String(cf.value()));
            if (k == "fixed_versions") fixed = Strings(cf.value());
          }
          components.emplace_back(std::move(component), std::move(fixed));
        }
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    if (e.error() != simdjson::INCORRECT_TYPE) throw;
    WrongType(kSummary, path, current);
  }
  if (!has_id) RefuseAt(kSummary, path, "an issue needs `summary` or `issue_id`");
  CollectCwes(base);
  if (components.empty()) {
    for (const std::string& p : impact_paths)
      components.emplace_back(ComponentFromImpactPath(p), std::vector<std::string>{});
    if (components.empty()) components.emplace_back();
  }
  // One finding per distinct vulnerable component; its location keeps the repository paths.
  std::vector<std::string> seen;
  for (auto& [component, fixed] : components) {
    std::string key = component.Key();
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    domain::Finding f = base;
    f.component = component;
    f.fixed_versions = fixed;
    domain::Location location{artifact.name, artifact.path, {}};
    for (const std::string& p : impact_paths) {
      if (ComponentFromImpactPath(p).Key() == key || impact_paths.size() == 1)
        location.impact_paths.push_back({p});
    }
    f.locations.push_back(std::move(location));
    out.Emit(std::move(f));
  }
}

void ReadSummaryLicense(od::object object, const Artifact& artifact, Emitter& out) {
  std::string name;
  std::vector<std::string> components;
  for (auto field_result : object) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    if (key == "name") name = String(field.value());
    if (key == "components") components = Strings(field.value());
  }
  for (const std::string& id : components) {
    domain::Finding f;
    f.kind = domain::FindingKind::kLicense;
    f.license = name;
    f.component = domain::ParseComponentId(id);
    f.locations.push_back(domain::Location{artifact.name, artifact.path, {}});
    out.Emit(std::move(f));
  }
}

void ReadSummaryArtifact(od::object object, const std::string& path, Emitter& out) {
  Artifact artifact;
  bool has_general = false, has_issues = false;
  // general may follow issues: read issues after the artifact identity is known.
  std::vector<std::string> raw_issues, raw_licenses;
  for (auto field_result : object) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    od::value& value = field.value();
    if (key == "general") {
      if (value.type() != od::json_type::object) WrongType(kSummary, path, key);
      has_general = true;
      for (auto g_result : value.get_object()) {
        od::field& g = InPlace(g_result);
        std::string_view k = KeyOf(g);
        if (k == "component_id" || (k == "name" && artifact.name.empty()))
          artifact.name = String(g.value());
        if (k == "path") artifact.path = String(g.value());
      }
    } else if (key == "issues" || key == "licenses") {
      if (value.is_null()) continue;
      if (value.type() != od::json_type::array) WrongType(kSummary, path, key);
      if (key == "issues") has_issues = true;
      for (auto element : value.get_array()) {
        auto& target = key == "issues" ? raw_issues : raw_licenses;
        od::value& v = InPlace(element);
        target.emplace_back(RawObject(v));
      }
    }
  }
  if (!has_general) RefuseAt(kSummary, path + ".general", "missing");
  if (!has_issues) RefuseAt(kSummary, path + ".issues", "missing");
  od::parser parser;
  for (std::size_t i = 0; i < raw_issues.size(); ++i) {
    simdjson::padded_string json(raw_issues[i]);
    od::document doc = parser.iterate(json);
    ReadSummaryIssue(doc.get_object(), artifact, IndexPath(path + ".issues", i), out);
  }
  for (const std::string& raw : raw_licenses) {
    simdjson::padded_string json(raw);
    od::document doc = parser.iterate(json);
    ReadSummaryLicense(doc.get_object(), artifact, out);
  }
  ++out.report().rows;
}

void ReadViolation(od::object object, const std::string& path, Emitter& out) {
  domain::Finding base;
  base.kind = domain::FindingKind::kViolation;
  std::vector<std::string> infected, artifacts, physical;
  bool has_type = false;
  std::string_view current;
  try {
    for (auto field_result : object) {
      od::field& field = InPlace(field_result);
      current = KeyOf(field);
      od::value& value = field.value();
      if (current == "issue_id") {
        base.issue_id = String(value);
      } else if (current == "type") {
        has_type = true;
        std::string t = NormalizeApplicability(String(value));
        base.violation_type = t == "license"            ? domain::ViolationType::kLicense
                              : t == "operational_risk" ? domain::ViolationType::kOperationalRisk
                                                        : domain::ViolationType::kSecurity;
      } else if (current == "watch_name") {
        base.watch = String(value);
      } else if (current == "severity") {
        base.severity = domain::ParseSeverity(StringView(value));
      } else if (current == "description") {
        base.description = String(value);
      } else if (current == "summary") {
        base.summary = String(value);
      } else if (current == "infected_components") {
        infected = Strings(value);
      } else if (current == "impact_artifacts") {
        artifacts = Strings(value);
      } else if (current == "component_physical_paths") {
        physical = Strings(value);
      } else if (current == "fix_versions") {
        base.fixed_versions = Strings(value);
      } else if (current == "properties") {
        base.cves = ParseCves(value);
      } else if (current == "matched_policies") {
        for (auto p : value.get_array()) {
          for (auto pf_result : p.get_object()) {
            od::field& pf = InPlace(pf_result);
            if (KeyOf(pf) == "policy") base.policies.push_back(String(pf.value()));
          }
        }
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    if (e.error() != simdjson::INCORRECT_TYPE) throw;
    WrongType(kViolations, path, current);
  }
  if (!has_type) RefuseAt(kViolations, path + ".type", "missing");
  if (infected.empty()) RefuseAt(kViolations, path + ".infected_components", "missing or empty");
  if (base.violation_type == domain::ViolationType::kLicense) base.license = base.issue_id;
  CollectCwes(base);
  ++out.report().rows;
  for (const std::string& id : infected) {
    domain::Finding f = base;
    f.component = domain::ParseComponentId(id);
    f.locations.push_back(domain::Location{
        artifacts.empty() ? "" : artifacts.front(), physical.empty() ? "" : physical.front(), {}});
    out.Emit(std::move(f));
  }
}

// Xray 1.x severities: Major and Minor besides the current names.
domain::Severity LegacySeverity(std::string_view text) {
  if (text == "Major" || text == "major") return domain::Severity::kHigh;
  if (text == "Minor" || text == "minor") return domain::Severity::kLow;
  return domain::ParseSeverity(text);
}

struct LegacyHit {
  domain::Component component;
  domain::Location location;
};

// impacted_artifacts[]: {display_name "build:number", infected_file{display_name "g:a:v", pkg_type,
// path}}.
std::vector<LegacyHit> ReadImpactedArtifacts(od::value value) {
  std::vector<LegacyHit> hits;
  if (value.is_null()) return hits;
  for (auto element : value.get_array()) {
    LegacyHit hit;
    for (auto field_result : element.get_object()) {
      od::field& field = InPlace(field_result);
      std::string_view key = KeyOf(field);
      if (key == "display_name") hit.location.artifact = String(field.value());
      if (key != "infected_file") continue;
      std::string name, type;
      for (auto inner_result : field.value().get_object()) {
        od::field& inner = InPlace(inner_result);
        std::string_view k = KeyOf(inner);
        if (k == "display_name") name = String(inner.value());
        if (k == "pkg_type") type = String(inner.value());
        if (k == "path") hit.location.path = String(inner.value());
      }
      auto colon = name.rfind(':');
      hit.component =
          colon == std::string::npos
              ? domain::MakeComponent(type, name, "")
              : domain::MakeComponent(type, name.substr(0, colon), name.substr(colon + 1));
    }
    hits.push_back(std::move(hit));
  }
  return hits;
}

void ReadLegacyIssue(od::object object, const std::string& path, Emitter& out) {
  domain::Finding base;
  std::vector<std::string> component_ids;
  std::vector<LegacyHit> hits;
  std::string type;
  std::string_view current;
  try {
    for (auto field_result : object) {
      od::field& field = InPlace(field_result);
      current = KeyOf(field);
      od::value& value = field.value();
      if (current == "severity") {
        base.severity = LegacySeverity(StringView(value));
      } else if (current == "type") {
        type = String(value);
      } else if (current == "summary") {
        base.summary = String(value);
      } else if (current == "description") {
        base.description = String(value);
      } else if (current == "created") {
        base.published = String(value);
      } else if (current == "cve") {
        domain::Cve cve;
        cve.id = String(value);
        if (!cve.id.empty()) base.cves.push_back(std::move(cve));
      } else if (current == "component_ids") {
        component_ids = Strings(value);
      } else if (current == "impacted_artifacts") {
        hits = ReadImpactedArtifacts(value);
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    if (e.error() != simdjson::INCORRECT_TYPE) throw;
    WrongType(kLegacy, path, current);
  }
  if (type == "license" || type == "License") {
    base.kind = domain::FindingKind::kLicense;
    base.license = base.summary;
  }
  // component_ids lists every vulnerable version Xray knows; the build's own component is the
  // infected file of each impacted artifact, so prefer it.
  if (hits.empty()) {
    for (const std::string& id : component_ids) hits.push_back({domain::ParseComponentId(id), {}});
  }
  if (hits.empty()) hits.emplace_back();
  ++out.report().rows;
  for (LegacyHit& hit : hits) {
    domain::Finding f = base;
    f.component = std::move(hit.component);
    f.locations.push_back(std::move(hit.location));
    out.Emit(std::move(f));
  }
}

void ReadLegacyLicense(od::object object, Emitter& out) {
  std::string name;
  std::vector<std::string> components;
  for (auto field_result : object) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    if (key == "name") name = String(field.value());
    if (key == "components") components = Strings(field.value());
  }
  for (const std::string& id : components) {
    domain::Finding f;
    f.kind = domain::FindingKind::kLicense;
    f.license = name;
    f.component = domain::ParseComponentId(id);
    f.locations.emplace_back();
    out.Emit(std::move(f));
  }
}

}  // namespace

void ParseSummaryArtifact(od::document& doc, Emitter& out) {
  for (auto field_result : doc.get_object()) {
    od::field& field = InPlace(field_result);
    if (KeyOf(field) != "artifacts") continue;
    std::size_t i = 0;
    for (auto element : field.value().get_array()) {
      std::string path = IndexPath("$.artifacts", i++);
      od::value& v = InPlace(element);
      if (v.type() != od::json_type::object) RefuseAt(kSummary, path, "artifact is not an object");
      ReadSummaryArtifact(v.get_object(), path, out);
    }
  }
}

void ParseViolationsApi(od::document& doc, Emitter& out) {
  for (auto field_result : doc.get_object()) {
    od::field& field = InPlace(field_result);
    if (KeyOf(field) != "violations") continue;
    std::size_t i = 0;
    for (auto element : field.value().get_array()) {
      std::string path = IndexPath("$.violations", i++);
      od::value& v = InPlace(element);
      if (v.type() != od::json_type::object)
        RefuseAt(kViolations, path, "violation is not an object");
      ReadViolation(v.get_object(), path, out);
    }
  }
}

void ParseLegacyBuildScan(od::document& doc, Emitter& out) {
  for (auto field_result : doc.get_object()) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    if (key == "licenses") {
      if (field.value().is_null()) continue;
      for (auto license : field.value().get_array()) ReadLegacyLicense(license.get_object(), out);
      continue;
    }
    if (key != "alerts") continue;
    std::size_t a = 0;
    for (auto alert : field.value().get_array()) {
      std::string alert_path = IndexPath("$.alerts", a++);
      for (auto af_result : alert.get_object()) {
        od::field& af = InPlace(af_result);
        if (KeyOf(af) != "issues") continue;
        std::size_t i = 0;
        for (auto issue : af.value().get_array()) {
          ReadLegacyIssue(issue.get_object(), IndexPath(alert_path + ".issues", i++), out);
        }
      }
    }
  }
}

}  // namespace bulwark::ingest::internal
