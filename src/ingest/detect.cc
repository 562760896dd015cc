// Format detection: specs/xray-formats.md section 6.2 (classify the top level) and 6.3 (object
// signatures, exactly one must match; forbidden keys mean a mixed file).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>
#include <vector>

#include "ingest/parsers.h"

namespace bulwark::ingest::internal {
namespace {

using core::ErrorCode;

// The keys point into the input buffer.
std::vector<std::string_view> KeysOf(od::object object) {
  std::vector<std::string_view> keys;
  for (od::field field : object) keys.push_back(KeyOf(field));
  return keys;
}

bool HasKey(const std::vector<std::string_view>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// Looks at the first element of an array of objects; the rest is skipped.
std::vector<std::string_view> FirstElementKeys(od::value value) {
  for (auto element : value.get_array()) {
    od::value& v = InPlace(element);
    if (v.type() != od::json_type::object) return {};
    return KeysOf(v.get_object());
  }
  return {};
}

}  // namespace

bool TopLevelFacts::Has(std::string_view key) const {
  return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
}

od::json_type TopLevelFacts::TypeOf(std::string_view key) const {
  auto it = std::find(keys_.begin(), keys_.end(), key);
  return it == keys_.end() ? od::json_type::null : types_[it - keys_.begin()];
}

void TopLevelFacts::Note(std::string_view key, od::json_type type) {
  keys_.push_back(key);
  types_.push_back(type);
}

void TopLevelFacts::Read(std::string_view key, od::value value) {
  od::json_type type = value.type();
  if (key == "version" && type == od::json_type::string) version_ = String(value);
  if (key == "$schema" && type == od::json_type::string) schema_ = String(value);
  if (key == "bomFormat" && type == od::json_type::string) bom_format_ = String(value);
  if (key == "summary" && type == od::json_type::object)
    summary_has_total_alerts_ = HasKey(KeysOf(value.get_object()), "total_alerts");
  if (key == "artifacts" && type == od::json_type::array) {
    auto k = FirstElementKeys(value);
    artifacts_look_right_ = HasKey(k, "general") || HasKey(k, "issues");
  }
  if (key == "data" && type == od::json_type::array)
    data_rows_look_b1_ = HasKey(FirstElementKeys(value), "source_comp_id");
  Note(key, type);
}

namespace {

using Facts = TopLevelFacts;

struct Signature {
  Format format;  // kAuto for formats that are refused
  std::string_view name;
  bool matches;
  std::vector<std::string_view> forbidden;
  std::string_view refusal;  // non-empty: Xray output that is not importable
};

std::vector<Signature> Signatures(const Facts& t) {
  const bool number_total_rows =
      t.Has("total_rows") && t.TypeOf("total_rows") == od::json_type::number;
  const bool raw_new = t.IsArray("targets") && (t.Has("xray_version") || t.Has("command_type"));
  const bool raw_old = t.Has("ScaResults") || t.Has("XrayResults") ||
                       t.Has("ExtendedScanResults") || t.Has("ResultType");
  return {
      {Format::kCliSimpleJson,
       "xray-cli-simple-json",
       t.IsArrayOrNull("vulnerabilities") && t.IsArrayOrNull("securityViolations") &&
           t.IsArrayOrNull("licensesViolations") && t.IsArrayOrNull("licenses") &&
           t.IsArrayOrNull("operationalRiskViolations"),
       {"data", "rows", "runs", "artifacts", "bomFormat", "scan_id"},
       {}},
      {Format::kCliSarif,
       "xray-cli-sarif",
       t.IsArray("runs") &&
           (t.version() == "2.1.0" || t.schema().find("sarif") != std::string::npos),
       {},
       {}},
      {Format::kCliCycloneDx, "xray-cli-cyclonedx", t.bom_format() == "CycloneDX", {}, {}},
      {Format::kAuto,
       "spdx",
       t.Has("spdxVersion"),
       {},
       "This is an SPDX SBOM; it contains no findings. Upload the Security_Export.json of the "
       "same export, or a JFrog CLI --format json / simple-json output."},
      {Format::kAuto,
       "cli-raw-results",
       raw_new || raw_old,
       {},
       "This is the JFrog CLI internal results dump (keys xray_version/targets or ScaResults). "
       "Re-run with `--format json` or `--format simple-json`."},
      {Format::kAuto,
       "cli-job-summary",
       t.keys().size() == 1 && t.IsArray("scans"),
       {},
       "This is a JFrog CLI job summary; it holds counts only, no findings. Re-run the scan with "
       "`--format json` or `--format simple-json`."},
      {Format::kUiSecurityExport,
       "xray-ui-security-export",
       t.IsArray("data") &&
           ((t.Has("total_count") && t.TypeOf("total_count") == od::json_type::number) ||
            t.data_rows_look_b1()),
       {"rows", "artifacts"},
       {}},
      {Format::kAuto,
       "ui-scan-status-export",
       t.TypeOf("overall") == od::json_type::object && t.TypeOf("details") == od::json_type::object,
       {},
       "This is an Xray scan-status export (Scan_Status_Export.json); it contains no findings. "
       "Upload the Security_Export.json from the same ZIP."},
      {Format::kReport, "xray-report", t.IsArray("rows") && number_total_rows, {"data"}, {}},
      {Format::kSummaryArtifact,
       "xray-summary-artifact",
       t.IsArray("artifacts") && t.artifacts_look_right(),
       {"rows", "data"},
       {}},
      {Format::kGraphScan,
       "xray-graph-scan",
       t.TypeOf("scan_id") == od::json_type::string &&
           (t.Has("vulnerabilities") || t.Has("violations") || t.Has("licenses") ||
            t.Has("component_id")),
       {"artifacts", "rows", "data"},
       {}},
      {Format::kViolations,
       "xray-violations",
       t.IsArray("violations") && t.Has("total_violations"),
       {"scan_id"},
       {}},
      {Format::kBuildScan,
       "xray-build-scan",
       t.Has("build_name") && t.Has("build_number") &&
           (t.Has("vulnerabilities") || t.Has("violations")),
       {},
       {}},
      {Format::kLegacyBuildScan,
       "xray-legacy-build-scan",
       t.summary_has_total_alerts() && t.IsArray("alerts"),
       {},
       {}},
  };
}

std::vector<Signature> Matching(const Facts& facts) {
  std::vector<Signature> matched;
  for (Signature& s : Signatures(facts)) {
    if (s.matches) matched.push_back(std::move(s));
  }
  return matched;
}

}  // namespace

Format DecideObject(const TopLevelFacts& top) {
  std::vector<Signature> matched = Matching(top);
  if (matched.size() > 1) {
    Refuse(ErrorCode::kDataLoss, fmt::format("mixed formats: keys of {} and {} are both present",
                                             matched[0].name, matched[1].name));
  }
  if (matched.empty()) {
    const auto& keys = top.keys();
    std::vector<std::string_view> shown(keys.begin(),
                                        keys.begin() + std::min<std::size_t>(keys.size(), 12));
    Refuse(ErrorCode::kDataLoss,
           fmt::format("unrecognised JSON structure: not a JFrog Xray export (top-level keys: {})",
                       fmt::join(shown, ", ")));
  }
  const Signature& s = matched.front();
  if (!s.refusal.empty()) Refuse(ErrorCode::kInvalidArgument, std::string(s.refusal));
  for (std::string_view key : s.forbidden) {
    if (top.Has(key))
      Refuse(ErrorCode::kDataLoss,
             fmt::format("mixed formats: {} file also contains `{}`", s.name, key));
  }
  return s.format;
}

namespace {

// The format the top level as read so far proves, when it is one whose rows sit under `key`
// (xray-report: rows, UI security export: data) and its signature already matches without any
// forbidden key: keys after the rows can then only confirm it or make the file mixed.
std::optional<Format> ProvenBeforeRows(const Facts& facts, std::string_view key) {
  std::vector<Signature> matched = Matching(facts);
  if (matched.size() != 1 || !matched[0].refusal.empty()) return std::nullopt;
  const Signature& s = matched[0];
  const bool rows_key = (s.format == Format::kReport && key == "rows") ||
                        (s.format == Format::kUiSecurityExport && key == "data");
  if (!rows_key) return std::nullopt;
  for (std::string_view forbidden : s.forbidden) {
    if (facts.Has(forbidden)) return std::nullopt;
  }
  return s.format;
}

// Reads the top level field by field. With `stop_at_rows`, at the rows array of a format the
// fields before it already prove, stops there instead of walking the rows (the parser completes
// the facts and confirms).
Detection DetectObject(od::object object, bool stop_at_rows) {
  Detection detection;
  Facts facts;
  for (auto field_result : object) {
    od::field& field = InPlace(field_result);
    std::string_view key = KeyOf(field);
    od::value& value = field.value();
    if (stop_at_rows && (key == "rows" || key == "data") && value.type() == od::json_type::array) {
      Facts probe = facts;
      probe.Note(key, od::json_type::array);
      if (auto proven = ProvenBeforeRows(probe, key)) {
        detection.format = *proven;
        detection.confirm_after_parse = true;
        return detection;
      }
    }
    facts.Read(key, value);
  }
  detection.format = DecideObject(facts);
  detection.read_whole_value = true;
  return detection;
}

constexpr std::string_view kB2Keys[] = {
    "user_issue_id",          "comp_id",    "comp_name",    "comp_version",
    "component_package_type", "watcher_id", "watcher_name", "matched_policies",
    "is_package_issue"};

enum class ElementKind { kCli, kUiViolation, kUnknown };

ElementKind Classify(const std::vector<std::string_view>& keys) {
  int b2 = 0;
  for (std::string_view k : kB2Keys) b2 += HasKey(keys, k) ? 1 : 0;
  bool a1 =
      HasKey(keys, "scan_id") || HasKey(keys, "xray_data_url") ||
      ((HasKey(keys, "vulnerabilities") || HasKey(keys, "violations") ||
        HasKey(keys, "licenses")) &&
       (HasKey(keys, "component_id") || HasKey(keys, "package_type") || HasKey(keys, "status")));
  if (a1 && b2 == 0) return ElementKind::kCli;
  if (b2 >= 3) return ElementKind::kUiViolation;
  return ElementKind::kUnknown;
}

std::string_view ElementKindName(ElementKind k) {
  return k == ElementKind::kCli ? "xray-cli-json" : "xray-ui-violations-export";
}

// Classifies element 0 only; the parser checks every element against it (CheckArrayElement).
// When the keys before an issues array of element 0 already make it a CLI scan result, stops
// there instead of walking its issues: the CLI parser reads all its keys before emitting anything
// from it and asks for an exact detection if they say otherwise.
Detection DetectArray(od::array array) {
  Detection detection;
  for (auto element : array) {
    od::value& v = InPlace(element);
    if (v.type() != od::json_type::object)
      Refuse(ErrorCode::kDataLoss, "$[0]: array elements must be objects");
    std::vector<std::string_view> keys;
    for (auto field_result : v.get_object()) {
      od::field& field = InPlace(field_result);
      std::string_view key = KeyOf(field);
      keys.push_back(key);
      if ((key == "vulnerabilities" || key == "violations" || key == "licenses") &&
          Classify(keys) == ElementKind::kCli && field.value().type() == od::json_type::array) {
        detection.format = Format::kCliJson;
        detection.confirm_after_parse = true;
        return detection;
      }
    }
    ElementKind kind = Classify(keys);
    if (kind == ElementKind::kUnknown)
      Refuse(ErrorCode::kDataLoss, "$[0]: element is not a JFrog CLI scan result or UI violation");
    detection.format = kind == ElementKind::kCli ? Format::kCliJson : Format::kUiViolationsExport;
    return detection;
  }
  Refuse(ErrorCode::kInvalidArgument,
         "empty array: cannot tell a CLI json output from a UI violations export; declare the "
         "format (--format xray-cli-json or xray-ui-violations-export) to import it as empty");
}

// The exact decision over every element, for a file whose element 0 proved other than it first
// looked.
Format DetectEveryElement(od::array array) {
  std::size_t index = 0;
  std::vector<std::string_view> keys;  // reused between elements
  Format format = Format::kAuto;
  for (auto element : array) {
    od::value& v = InPlace(element);
    if (v.type() != od::json_type::object)
      Refuse(ErrorCode::kDataLoss, fmt::format("$[{}]: array elements must be objects", index));
    keys.clear();
    for (od::field field : v.get_object()) keys.push_back(KeyOf(field));
    if (index == 0) {
      ElementKind kind = Classify(keys);
      if (kind == ElementKind::kUnknown)
        Refuse(ErrorCode::kDataLoss,
               "$[0]: element is not a JFrog CLI scan result or UI violation");
      format = kind == ElementKind::kCli ? Format::kCliJson : Format::kUiViolationsExport;
    } else {
      CheckArrayElement(index, keys, format);
    }
    ++index;
  }
  return format;
}

}  // namespace

void CheckArrayElement(std::size_t index, const std::vector<std::string_view>& keys,
                       Format format) {
  const ElementKind expected =
      format == Format::kCliJson ? ElementKind::kCli : ElementKind::kUiViolation;
  ElementKind kind = Classify(keys);
  if (kind == expected) return;
  if (index == 0) throw Redetect{};
  if (kind == ElementKind::kUnknown)
    Refuse(ErrorCode::kDataLoss,
           fmt::format("$[{}]: element is not a JFrog CLI scan result or UI violation", index));
  Refuse(ErrorCode::kDataLoss,
         fmt::format("mixed formats: element 0 is {} but element {} is {}",
                     ElementKindName(expected), index, ElementKindName(kind)));
}

Format DetectExactly(od::document& doc) {
  switch (doc.type()) {
    case od::json_type::array:
      return DetectEveryElement(doc.get_array());
    case od::json_type::object:
      return DetectObject(doc.get_object(), false).format;
    default:
      return Detect(doc).format;  // refuses
  }
}

Detection Detect(od::document& doc) {
  switch (doc.type()) {
    case od::json_type::null:
      Refuse(ErrorCode::kInvalidArgument,
             "empty result (null): the JFrog CLI prints null when nothing was scanned; declare "
             "--format xray-cli-json to import it as a scan without findings");
    case od::json_type::array:
      return DetectArray(doc.get_array());
    case od::json_type::object:
      return DetectObject(doc.get_object(), true);
    default:
      Refuse(ErrorCode::kDataLoss, "the top-level JSON value must be an object or an array");
  }
}

}  // namespace bulwark::ingest::internal
