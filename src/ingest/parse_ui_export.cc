// B1 (UI Security_Export: {"total_count","data"}) and B2 (UI Violations_Export: array of rows).
#include <fmt/format.h>

#include "ingest/parsers.h"

namespace bulwark::ingest::internal {
namespace {

constexpr std::string_view kSecurity = "xray-ui-security-export";
constexpr std::string_view kViolations = "xray-ui-violations-export";

// "<scheme>://<name>" + "<scheme>://<name>:<version>" -> component (epoch-safe).
domain::Component ComponentFromSourceIds(std::string_view source_id, std::string_view comp_id) {
  if (source_id.empty()) return domain::ParseComponentId(comp_id);
  domain::Component c = domain::ParseComponentId(source_id);
  c.version.clear();
  std::string prefix = std::string(source_id) + ":";
  if (comp_id.starts_with(prefix)) {
    c.version = comp_id.substr(prefix.size());
  } else if (!comp_id.empty()) {
    c = domain::ParseComponentId(comp_id);
  }
  auto sep = source_id.find("://");
  if (sep != std::string_view::npos) c.name = source_id.substr(sep + 3);
  c.id = comp_id.empty() ? std::string(source_id) : std::string(comp_id);
  return c;
}

void ReadComponentVersions(od::object object, domain::Finding& f) {
  for (auto field_result : object) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    if (key == "fixed_versions") {
      f.fixed_versions = Strings(field.value());
    } else if (key == "more_details") {
      for (auto inner_result : field.value().get_object()) {
        od::field& inner = InPlace(inner_result);
        std::string_view k = KeyOf(inner);
        if (k == "cves") f.cves = ParseCves(inner.value());
        if (k == "description") f.description = String(inner.value());
      }
    }
  }
}

std::string ApplicabilityResult(od::value value) {
  if (value.is_null()) return {};
  for (auto field_result : value.get_object()) {
    od::field& field = InPlace(field_result);
    if (KeyOf(field) == "result") return NormalizeApplicability(String(field.value()));
  }
  return {};
}

void ReadSecurityRow(od::object object, const std::string& path, Emitter& out) {
  domain::Finding f;
  std::string source_id, source_comp_id;
  bool has_versions = false, has_severity = false, has_comp = false;
  domain::Location location;
  std::string_view current;
  try {
    for (auto field_result : object) {
      od::field& field = InPlace(field_result);
      current = KeyOf(field);
      od::value& value = field.value();
      if (current == "id") {
        f.issue_id = String(value);
      } else if (current == "severity") {
        has_severity = true;
        f.severity = domain::ParseSeverity(StringView(value));
      } else if (current == "summary") {
        f.summary = String(value);
      } else if (current == "source_id") {
        source_id = String(value);
      } else if (current == "source_comp_id") {
        has_comp = true;
        source_comp_id = String(value);
      } else if (current == "component_versions") {
        has_versions = value.type() == od::json_type::object;
        if (has_versions) ReadComponentVersions(value.get_object(), f);
      } else if (current == "component_physical_paths") {
        for (std::string& p : Strings(value)) {
          if (!p.empty() && location.path.empty()) location.path = std::move(p);
        }
      } else if (current == "applicability_detail") {
        f.applicability = ApplicabilityResult(value);
      } else if (current == "vulnerable_component" || current == "impactedPackageName") {
        RefuseAt(kSecurity, path,
                 fmt::format("`{}` of another Xray format inside a data row "
                             "(mixed formats)",
                             current));
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    if (e.error() != simdjson::INCORRECT_TYPE) throw;
    RefuseAt(kSecurity, fmt::format("{}.{}", path, current), "value has the wrong JSON type");
  }
  if (!has_comp) RefuseAt(kSecurity, path + ".source_comp_id", "missing");
  if (!has_versions) RefuseAt(kSecurity, path + ".component_versions", "missing or not an object");
  if (!has_severity) RefuseAt(kSecurity, path + ".severity", "missing");
  f.component = ComponentFromSourceIds(source_id, source_comp_id);
  f.locations.push_back(std::move(location));
  CollectCwes(f);
  ++out.report().rows;
  out.Emit(std::move(f));
}

// `keys` receives the keys of the row (a buffer reused between rows).
void ReadViolationRow(od::object object, const std::string& path, std::size_t index,
                      std::vector<std::string_view>& keys, Emitter& out) {
  domain::Finding f;
  f.kind = domain::FindingKind::kViolation;
  std::string source_id, source_version, comp_id;
  domain::Location location;
  bool has_issue = false;
  std::string_view current, foreign;
  keys.clear();
  try {
    for (auto field_result : object) {
      od::field& field = InPlace(field_result);
      current = KeyOf(field);
      keys.push_back(current);
      od::value& value = field.value();
      if (current == "issue_id") {
        has_issue = true;
        f.issue_id = String(value);
      } else if (current == "type") {
        std::string t = NormalizeApplicability(String(value));
        f.violation_type = t == "license"            ? domain::ViolationType::kLicense
                           : t == "operational_risk" ? domain::ViolationType::kOperationalRisk
                                                     : domain::ViolationType::kSecurity;
      } else if (current == "severity") {
        f.severity = domain::ParseSeverity(StringView(value));
      } else if (current == "summary") {
        f.summary = String(value);
      } else if (current == "comp_id") {
        location.artifact = String(value);
      } else if (current == "paths") {
        auto paths = Strings(value);
        if (!paths.empty()) location.path = paths.front();
      } else if (current == "watcher_name") {
        f.watch = String(value);
      } else if (current == "matched_policies") {
        for (auto p : value.get_array()) {
          for (auto pf_result : p.get_object()) {
            od::field& pf = InPlace(pf_result);
            if (KeyOf(pf) == "policy") f.policies.push_back(String(pf.value()));
          }
        }
      } else if (current == "source_id") {
        source_id = String(value);
      } else if (current == "source_version") {
        source_version = String(value);
      } else if (current == "applicability_detail") {
        f.applicability = ApplicabilityResult(value);
      } else if (current == "scan_id" || current == "component_versions") {
        foreign = current;  // refused once the row's kind is checked against element 0
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    if (e.error() != simdjson::INCORRECT_TYPE) throw;
    RefuseAt(kViolations, fmt::format("{}.{}", path, current), "value has the wrong JSON type");
  }
  CheckArrayElement(index, keys, Format::kUiViolationsExport);
  if (!foreign.empty())
    RefuseAt(kViolations, path,
             fmt::format("`{}` of another Xray format inside a UI violation row (mixed formats)",
                         foreign));
  if (!has_issue) RefuseAt(kViolations, path + ".issue_id", "missing");
  f.component = source_version.empty()
                    ? domain::ParseComponentId(source_id)
                    : ComponentFromSourceIds(source_id, source_id + ":" + source_version);
  if (f.violation_type == domain::ViolationType::kLicense) f.license = f.issue_id;
  f.locations.push_back(std::move(location));
  ++out.report().rows;
  out.Emit(std::move(f));
}

}  // namespace

void ParseUiSecurityExport(od::document& doc, Emitter& out, TopLevelFacts* facts) {
  for (auto field_result : doc.get_object()) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    if (key != "data") {
      if (facts != nullptr) facts->Read(key, field.value());
      continue;
    }
    if (facts != nullptr) facts->Note(key, field.value().type());
    std::size_t i = 0;
    for (auto element : field.value().get_array()) {
      std::string path = IndexPath("$.data", i++);
      od::value& row = InPlace(element);
      if (row.type() != od::json_type::object) RefuseAt(kSecurity, path, "row is not an object");
      ReadSecurityRow(row.get_object(), path, out);
    }
  }
}

void ParseUiViolationsExport(od::document& doc, Emitter& out) {
  std::size_t i = 0;
  std::vector<std::string_view> keys;
  for (auto element : doc.get_array()) {
    std::string path = IndexPath("$", i);
    od::value& row = InPlace(element);
    if (row.type() != od::json_type::object)
      Refuse(core::ErrorCode::kDataLoss, path + ": array elements must be objects");
    ReadViolationRow(row.get_object(), path, i, keys, out);
    ++i;
  }
}

}  // namespace bulwark::ingest::internal
