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

struct TopLevel {
  std::vector<std::string> keys;
  std::vector<od::json_type> types;
  std::string version, schema, bom_format;
  bool summary_has_total_alerts = false;
  bool artifacts_look_right = false;  // first element has general and/or issues
  bool data_rows_look_b1 = false;     // first data row has source_comp_id

  bool Has(std::string_view key) const {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  }
  od::json_type TypeOf(std::string_view key) const {
    auto it = std::find(keys.begin(), keys.end(), key);
    return it == keys.end() ? od::json_type::null : types[it - keys.begin()];
  }
  bool IsArray(std::string_view key) const {
    return Has(key) && TypeOf(key) == od::json_type::array;
  }
  bool IsArrayOrNull(std::string_view key) const {
    return Has(key) && (TypeOf(key) == od::json_type::array || TypeOf(key) == od::json_type::null);
  }
};

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
    od::value v = element.value();
    if (v.type() != od::json_type::object) return {};
    return KeysOf(v.get_object());
  }
  return {};
}

TopLevel ReadTopLevel(od::object object) {
  TopLevel top;
  for (od::field field : object) {
    std::string key(KeyOf(field));
    od::value value = field.value();
    od::json_type type = value.type();
    if (key == "version" && type == od::json_type::string) top.version = String(value);
    if (key == "$schema" && type == od::json_type::string) top.schema = String(value);
    if (key == "bomFormat" && type == od::json_type::string) top.bom_format = String(value);
    if (key == "summary" && type == od::json_type::object)
      top.summary_has_total_alerts = HasKey(KeysOf(value.get_object()), "total_alerts");
    if (key == "artifacts" && type == od::json_type::array) {
      auto k = FirstElementKeys(value);
      top.artifacts_look_right = HasKey(k, "general") || HasKey(k, "issues");
    }
    if (key == "data" && type == od::json_type::array)
      top.data_rows_look_b1 = HasKey(FirstElementKeys(value), "source_comp_id");
    top.keys.push_back(std::move(key));
    top.types.push_back(type);
  }
  return top;
}

struct Signature {
  Format format;  // kAuto for formats that are refused
  std::string_view name;
  bool matches;
  std::vector<std::string_view> forbidden;
  std::string_view refusal;  // non-empty: Xray output that is not importable
};

std::vector<Signature> Signatures(const TopLevel& t) {
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
       t.IsArray("runs") && (t.version == "2.1.0" || t.schema.find("sarif") != std::string::npos),
       {},
       {}},
      {Format::kCliCycloneDx, "xray-cli-cyclonedx", t.bom_format == "CycloneDX", {}, {}},
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
       t.keys.size() == 1 && t.IsArray("scans"),
       {},
       "This is a JFrog CLI job summary; it holds counts only, no findings. Re-run the scan with "
       "`--format json` or `--format simple-json`."},
      {Format::kUiSecurityExport,
       "xray-ui-security-export",
       t.IsArray("data") &&
           ((t.Has("total_count") && t.TypeOf("total_count") == od::json_type::number) ||
            t.data_rows_look_b1),
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
       t.IsArray("artifacts") && t.artifacts_look_right,
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
       t.summary_has_total_alerts && t.IsArray("alerts"),
       {},
       {}},
  };
}

Format DetectObject(od::object object) {
  TopLevel top = ReadTopLevel(object);
  std::vector<Signature> matched;
  for (Signature& s : Signatures(top)) {
    if (s.matches) matched.push_back(std::move(s));
  }
  if (matched.size() > 1) {
    Refuse(ErrorCode::kDataLoss, fmt::format("mixed formats: keys of {} and {} are both present",
                                             matched[0].name, matched[1].name));
  }
  if (matched.empty()) {
    std::vector<std::string> shown(top.keys.begin(),
                                   top.keys.begin() + std::min<std::size_t>(top.keys.size(), 12));
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

Format DetectArray(od::array array) {
  std::size_t index = 0;
  std::optional<std::pair<ElementKind, std::size_t>> first;
  std::vector<std::string_view> keys;  // reused between elements
  for (auto element : array) {
    od::value v = element.value();
    if (v.type() != od::json_type::object)
      Refuse(ErrorCode::kDataLoss, fmt::format("$[{}]: array elements must be objects", index));
    keys.clear();
    for (od::field field : v.get_object()) keys.push_back(KeyOf(field));
    ElementKind kind = Classify(keys);
    if (kind == ElementKind::kUnknown)
      Refuse(ErrorCode::kDataLoss,
             fmt::format("$[{}]: element is not a JFrog CLI scan result or UI violation", index));
    if (!first) {
      first = {kind, index};
    } else if (first->first != kind) {
      auto name = [](ElementKind k) {
        return k == ElementKind::kCli ? "xray-cli-json" : "xray-ui-violations-export";
      };
      Refuse(ErrorCode::kDataLoss,
             fmt::format("mixed formats: element {} is {} but element {} is {}", first->second,
                         name(first->first), index, name(kind)));
    }
    ++index;
  }
  if (!first) {
    Refuse(ErrorCode::kInvalidArgument,
           "empty array: cannot tell a CLI json output from a UI violations export; declare the "
           "format (--format xray-cli-json or xray-ui-violations-export) to import it as empty");
  }
  return first->first == ElementKind::kCli ? Format::kCliJson : Format::kUiViolationsExport;
}

}  // namespace

Format Detect(od::document& doc) {
  switch (doc.type()) {
    case od::json_type::null:
      Refuse(ErrorCode::kInvalidArgument,
             "empty result (null): the JFrog CLI prints null when nothing was scanned; declare "
             "--format xray-cli-json to import it as a scan without findings");
    case od::json_type::array:
      return DetectArray(doc.get_array());
    case od::json_type::object:
      return DetectObject(doc.get_object());
    default:
      Refuse(ErrorCode::kDataLoss, "the top-level JSON value must be an object or an array");
  }
}

}  // namespace bulwark::ingest::internal
