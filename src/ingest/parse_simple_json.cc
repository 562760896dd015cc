// A2: jf --format simple-json. SCA rows (vulnerabilities, securityViolations, licenses,
// licensesViolations, operationalRiskViolations) become findings; JAS rows (secrets, IaC, SAST,
// malicious code) are counted as skipped. Both layouts (before and after jfrog-cli-security
// v1.14) are read the same way: only the JAS keys changed meaning, and those are skipped.
#include <fmt/format.h>

#include "ingest/parsers.h"

namespace bulwark::ingest::internal {
namespace {

constexpr std::string_view kFormat = "xray-cli-simple-json";

struct Section {
  std::string_view key;
  domain::FindingKind kind;
  domain::ViolationType type;
};

constexpr Section kSections[] = {
    {"vulnerabilities", domain::FindingKind::kVulnerability, domain::ViolationType::kNone},
    {"securityViolations", domain::FindingKind::kViolation, domain::ViolationType::kSecurity},
    {"licensesViolations", domain::FindingKind::kViolation, domain::ViolationType::kLicense},
    {"licenses", domain::FindingKind::kLicense, domain::ViolationType::kNone},
    {"operationalRiskViolations", domain::FindingKind::kViolation,
     domain::ViolationType::kOperationalRisk},
};

std::vector<std::vector<std::string>> ReadImpactPaths(od::value value) {
  std::vector<std::vector<std::string>> paths;
  if (value.is_null()) return paths;
  for (auto path : value.get_array()) {
    std::vector<std::string> nodes;
    for (auto node : path.get_array()) {
      std::string name, version;
      for (auto field_result : node.get_object()) {
        od::field& field = InPlace(field_result);
        std::string_view key = KeyOf(field);
        if (key == "name") name = String(field.value());
        if (key == "version") version = String(field.value());
      }
      nodes.push_back(version.empty() ? name : name + ":" + version);
    }
    paths.push_back(std::move(nodes));
  }
  return paths;
}

// JSON path of a row, built only for a message.
struct RowPath {
  std::string_view base;
  std::size_t index;
  std::string str() const { return IndexPath(base, index); }
};

void ReadRow(od::object object, const Section& section, const RowPath& row_path, Emitter& out) {
  domain::Finding f;
  f.kind = section.kind;
  f.violation_type = section.type;
  std::string package_name, package_version, package_type;
  bool has_name = false;
  domain::Location location;
  std::string_view current;
  try {
    for (auto field_result : object) {
      od::field& field = InPlace(field_result);
      current = KeyOf(field);
      od::value& value = field.value();
      if (current == "severity") {
        f.severity = domain::ParseSeverity(StringView(value));
      } else if (current == "impactedPackageName") {
        has_name = true;
        package_name = String(value);
      } else if (current == "impactedPackageVersion") {
        package_version = String(value);
      } else if (current == "impactedPackageType") {
        package_type = String(value);
      } else if (current == "issueId") {
        f.issue_id = String(value);
      } else if (current == "summary") {
        f.summary = String(value);
      } else if (current == "applicable") {
        f.applicability = NormalizeApplicability(String(value));
      } else if (current == "fixedVersions") {
        f.fixed_versions = Strings(value);
      } else if (current == "cves") {
        f.cves = ParseCves(value);
      } else if (current == "references") {
        f.references = Strings(value);
      } else if (current == "impactPaths") {
        location.impact_paths = ReadImpactPaths(value);
      } else if (current == "watch") {
        f.watch = String(value);
      } else if (current == "policies") {
        f.policies = Strings(value);
      } else if (current == "licenseKey") {
        f.license = String(value);
      } else if (current == "issue_id" || current == "source_comp_id" ||
                 current == "vulnerable_component") {
        RefuseAt(kFormat, row_path.str(),
                 fmt::format("snake_case key `{}` of another Xray format inside a "
                             "simple-json row (mixed formats)",
                             current));
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    if (e.error() != simdjson::INCORRECT_TYPE) throw;
    RefuseAt(kFormat, fmt::format("{}.{}", row_path.str(), current),
             "value has the wrong JSON type");
  }
  if (!has_name)
    RefuseAt(kFormat, row_path.str() + ".impactedPackageName", "missing (required in SCA rows)");
  f.component = domain::MakeComponent(package_type, package_name, package_version);
  f.locations.push_back(std::move(location));
  CollectCwes(f);
  ++out.report().rows;
  out.Emit(std::move(f));
}

}  // namespace

void ParseSimpleJson(od::document& doc, Emitter& out) {
  for (auto field_result : doc.get_object()) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    od::value& value = field.value();
    const Section* section = nullptr;
    for (const Section& s : kSections) {
      if (s.key == key) section = &s;
    }
    if (value.type() != od::json_type::array) continue;  // null sections, scansStatus, ...
    std::string base = fmt::format("$.{}", key);
    if (section == nullptr) {
      if (key == "errors") continue;
      for (auto element : value.get_array()) {  // JAS rows: not SCA findings
        (void)element;
        ++out.report().skipped;
      }
      continue;
    }
    std::size_t i = 0;
    for (auto element : value.get_array()) {
      RowPath path{base, i++};
      od::value& row = InPlace(element);
      if (row.type() != od::json_type::object)
        RefuseAt(kFormat, path.str(), "row is not an object");
      ReadRow(row.get_object(), *section, path, out);
    }
  }
}

}  // namespace bulwark::ingest::internal
