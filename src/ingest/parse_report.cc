// B5: the Reports export and the Reports API content pages, {"total_rows": N, "rows": [...]}.
// Vulnerability, violation and licence reports; every row must be of the kind of the first row.
#include <fmt/format.h>

#include "ingest/parsers.h"

namespace bulwark::ingest::internal {
namespace {

constexpr std::string_view kFormat = "xray-report";

enum class RowKind { kVulnerability, kViolation, kLicense, kExposure };

std::string_view RowKindName(RowKind k) {
  switch (k) {
    case RowKind::kViolation:
      return "violations";
    case RowKind::kLicense:
      return "licence";
    case RowKind::kExposure:
      return "exposures";
    case RowKind::kVulnerability:
      break;
  }
  return "vulnerabilities";
}

struct Row {
  domain::Finding f;
  std::string vulnerable_component, component, impacted_artifact, artifact, type, license_key;
  std::vector<std::string> impact_path;
  std::string scratch;  // not part of the row: a buffer reused between rows
  bool has_severity = false, has_watch = false, has_category = false, has_exposures_id = false;
  bool has_b1_keys = false, has_camel_keys = false;
  bool has_cves = false, has_fixed_versions = false, has_impact_path = false;
  bool has_policies = false, has_references = false;
};

domain::ViolationType ParseViolationType(std::string_view type) {
  std::string t = NormalizeApplicability(type);
  if (t == "security") return domain::ViolationType::kSecurity;
  if (t == "license") return domain::ViolationType::kLicense;
  if (t == "operational_risk") return domain::ViolationType::kOperationalRisk;
  return domain::ViolationType::kNone;
}

// Xray's report keys, dispatched on their first letter so each key costs a few comparisons.
// `key`: the key's text in the document, from just after its opening quote (KeyIs).
void ReadField(const char* key, od::value& value, Row& row) {
  domain::Finding& f = row.f;
  switch (key[0]) {
    case 'a':
      if (KeyIs(key, "applicability_result")) {
        AssignString(value, row.scratch);
        if (!row.scratch.empty()) NormalizeApplicability(row.scratch, f.applicability);
      } else if (KeyIs(key, "applicability")) {
        if (value.type() == od::json_type::boolean && f.applicability.empty())
          f.applicability = bool(value.get_bool()) ? "applicable" : "not_applicable";
      } else if (KeyIs(key, "artifact")) {
        AssignString(value, row.artifact);
      }
      break;
    case 'c':
      if (KeyIs(key, "cves")) {
        row.has_cves = true;
        AssignCves(value, f.cves);
      } else if (KeyIs(key, "component")) {
        AssignString(value, row.component);
      } else if (KeyIs(key, "category")) {
        row.has_category = true;
      } else if (KeyIs(key, "component_versions")) {
        row.has_b1_keys = true;
      }
      break;
    case 'd':
      if (KeyIs(key, "description")) AssignString(value, f.description);
      break;
    case 'e':
      if (KeyIs(key, "exposures_id")) row.has_exposures_id = true;
      break;
    case 'f':
      if (KeyIs(key, "fixed_versions")) {
        row.has_fixed_versions = true;
        AssignStrings(value, f.fixed_versions);
      } else if (KeyIs(key, "fixedVersions")) {
        row.has_camel_keys = true;
      }
      break;
    case 'i':
      if (KeyIs(key, "impacted_artifact")) {
        AssignString(value, row.impacted_artifact);
      } else if (KeyIs(key, "impact_path")) {
        row.has_impact_path = true;
        AssignStrings(value, row.impact_path);
      } else if (KeyIs(key, "issue_id")) {
        AssignString(value, f.issue_id);
      } else if (KeyIs(key, "impactedPackageName") || KeyIs(key, "issueId")) {
        row.has_camel_keys = true;
      }
      break;
    case 'l':
      if ((KeyIs(key, "license_key") || KeyIs(key, "license")) && row.license_key.empty())
        AssignString(value, row.license_key);
      break;
    case 'p':
      if (KeyIs(key, "published")) {
        AssignString(value, f.published);
      } else if (KeyIs(key, "path")) {
        AssignString(value, f.locations[0].path);
      } else if (KeyIs(key, "policy_names")) {
        row.has_policies = true;
        AssignStrings(value, f.policies);
      }
      break;
    case 'r':
      if (!KeyIs(key, "references")) break;
      if (value.type() == od::json_type::string) {
        if (!row.has_references) f.references.clear();
        f.references.push_back(String(value));
      } else {
        AssignStrings(value, f.references);
      }
      row.has_references = true;
      break;
    case 's':
      if (KeyIs(key, "severity")) {
        row.has_severity = true;
        f.severity = domain::ParseSeverity(StringView(value));
      } else if (KeyIs(key, "summary")) {
        AssignString(value, f.summary);
      } else if (KeyIs(key, "source_comp_id")) {
        row.has_b1_keys = true;
      }
      break;
    case 't':
      if (KeyIs(key, "type")) AssignString(value, row.type);
      break;
    case 'v':
      if (KeyIs(key, "vulnerable_component")) AssignString(value, row.vulnerable_component);
      break;
    case 'w':
      if (KeyIs(key, "watch_name")) {
        row.has_watch = true;
        AssignString(value, f.watch);
      }
      break;
    default:
      break;
  }
}

// Ready for the next row. Strings keep their capacity, and so do the elements of the row's
// vectors: they are emptied only when a row lacks their key (AssignStrings and AssignCves reuse
// the elements a previous row left), so a sink that keeps no findings costs no allocation per row
// once the rows have been seen at their largest.
void Clear(Row& row) {
  domain::Finding& f = row.f;
  f.kind = domain::FindingKind::kVulnerability;
  f.violation_type = domain::ViolationType::kNone;
  f.severity = domain::Severity::kInfo;
  for (std::string* s : {&f.issue_id, &f.applicability, &f.summary, &f.description, &f.published,
                         &f.license, &f.watch})
    s->clear();
  f.cwes.clear();
  if (f.locations.size() != 1) f.locations.resize(1);
  f.locations[0].artifact.clear();
  f.locations[0].path.clear();
  for (std::string* s : {&row.vulnerable_component, &row.component, &row.impacted_artifact,
                         &row.artifact, &row.type, &row.license_key})
    s->clear();
  row.has_severity = row.has_watch = row.has_category = row.has_exposures_id = false;
  row.has_b1_keys = row.has_camel_keys = false;
  row.has_cves = row.has_fixed_versions = row.has_impact_path = row.has_policies = false;
  row.has_references = false;
}

// Empties the vectors whose keys the row did not have.
void DropAbsent(Row& row) {
  domain::Finding& f = row.f;
  if (!row.has_cves) f.cves.clear();
  if (!row.has_fixed_versions) f.fixed_versions.clear();
  if (!row.has_policies) f.policies.clear();
  if (!row.has_references) f.references.clear();
  if (!row.has_impact_path) row.impact_path.clear();
}

RowKind KindOf(const Row& row) {
  if (row.has_category && row.has_exposures_id) return RowKind::kExposure;
  if (!row.type.empty() && row.has_watch) return RowKind::kViolation;
  if (!row.license_key.empty() && !row.artifact.empty()) return RowKind::kLicense;
  return RowKind::kVulnerability;
}

void CheckAndNormalize(Row& row, RowKind kind, std::size_t index) {
  auto path = [index] { return IndexPath("$.rows", index); };
  domain::Finding& f = row.f;
  if (row.has_b1_keys)
    RefuseAt(kFormat, path(),
             "looks like an xray-ui-security-export row (source_comp_id) inside rows");
  if (row.has_camel_keys)
    RefuseAt(kFormat, path(),
             "looks like an xray-cli-simple-json row (camelCase keys) inside rows");
  if (kind == RowKind::kLicense) {
    f.kind = domain::FindingKind::kLicense;
    f.license = row.license_key;
    if (row.component.empty())
      RefuseAt(kFormat, path() + ".component", "missing (licence report row)");
    domain::ParseComponentId(row.component, f.component);
    row.impacted_artifact = row.artifact;
  } else {
    if (row.vulnerable_component.empty() && (f.issue_id.empty() || !row.has_severity)) {
      RefuseAt(kFormat, path() + ".vulnerable_component",
               "missing (a report row needs vulnerable_component, or issue_id and severity)");
    }
    domain::ParseComponentId(row.vulnerable_component, f.component);
    if (kind == RowKind::kViolation) {
      f.kind = domain::FindingKind::kViolation;
      f.violation_type = ParseViolationType(row.type);
      if (f.violation_type == domain::ViolationType::kLicense) f.license = row.license_key;
    }
  }
  // Swapped rather than moved: the row keeps the finding's previous buffers for the next row.
  domain::Location& location = f.locations[0];
  std::swap(location.artifact, row.impacted_artifact);
  if (row.impact_path.empty()) {
    location.impact_paths.clear();
  } else {
    location.impact_paths.resize(1);
    std::swap(location.impact_paths[0], row.impact_path);
  }
  CollectCwes(f);
}

}  // namespace

struct ReportRowReader::State {
  Row row;  // reused: a sink that keeps no findings leaves its capacity for the next row
  std::optional<RowKind> report_kind;
};

ReportRowReader::ReportRowReader(Emitter& out) : out_(out), state_(std::make_unique<State>()) {}
ReportRowReader::~ReportRowReader() = default;

void ReportRowReader::ReadFields(od::value value) {
  Row& row = state_->row;
  auto path = [this] { return IndexPath("$.rows", index_); };
  if (value.type() != od::json_type::object) RefuseAt(kFormat, path(), "row is not an object");
  Clear(row);
  const char* current = nullptr;
  try {
    for (auto result : value.get_object()) {
      od::field& field = InPlace(result);
      current = field.key().raw();
      ReadField(current, field.value(), row);
    }
  } catch (const simdjson::simdjson_error& e) {
    if (e.error() != simdjson::INCORRECT_TYPE && e.error() != simdjson::NUMBER_ERROR) throw;
    RefuseAt(kFormat, fmt::format("{}.{}", path(), current == nullptr ? "" : KeyView(current)),
             "value has the wrong JSON type");
  }
}

void ReportRowReader::Finish() {
  Row& row = state_->row;
  auto path = [this] { return IndexPath("$.rows", index_); };
  DropAbsent(row);
  RowKind kind = KindOf(row);
  std::optional<RowKind>& report_kind = state_->report_kind;
  if (!report_kind) {
    report_kind = kind;
    if (kind == RowKind::kExposure)
      Refuse(core::ErrorCode::kInvalidArgument,
             "xray-report: this is an exposures report; it is not importable. Export a "
             "vulnerabilities or violations report instead.");
  } else if (kind != *report_kind) {
    RefuseAt(kFormat, path(),
             fmt::format("mixed report kinds: row is a {} row but the first row is a {} row",
                         RowKindName(kind), RowKindName(*report_kind)));
  }
  CheckAndNormalize(row, kind, index_);
  ++out_.report().rows;
  out_.Emit(std::move(row.f));
  ++index_;
}

void ReportRowReader::ReadAll(od::array rows) {
  for (auto element : rows) {
    ReadFields(element.value());
    Finish();
  }
}

void ReadReportField(std::string_view key, od::value value, ReportTopLevel& top, Emitter& out,
                     TopLevelFacts* facts) {
  if (key == "total_rows") {
    if (facts != nullptr) facts->Note(key, value.type());
    top.total_rows = value.get_int64();
  } else if (key == "rows") {
    if (facts != nullptr) facts->Note(key, value.type());
    top.has_rows = true;
    ReportRowReader(out).ReadAll(value.get_array());
  } else if (facts != nullptr) {
    facts->Read(key, value);
  }
}

std::int64_t EndReport(const ReportTopLevel& top, Emitter& out) {
  if (!top.has_rows || top.total_rows < 0)
    Refuse(core::ErrorCode::kDataLoss, "xray-report: a report needs `total_rows` and `rows`");
  if (static_cast<std::uint64_t>(top.total_rows) != out.report().rows)
    out.report().warnings.push_back(fmt::format("total_rows is {} but the file holds {} rows",
                                                top.total_rows, out.report().rows));
  return top.total_rows;
}

std::int64_t ParseReportRows(od::document& doc, Emitter& out, TopLevelFacts* facts) {
  ReportTopLevel top;
  for (od::field field : doc.get_object())
    ReadReportField(KeyOf(field), field.value(), top, out, facts);
  return EndReport(top, out);
}

}  // namespace bulwark::ingest::internal
