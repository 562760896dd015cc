// The JFrog Xray file formats Bulwark imports (specs/xray-formats.md), with their stable names as
// used by `--format`, the API and stored scans.
#pragma once

#include <optional>
#include <string_view>

namespace bulwark::ingest {

enum class Format {
  kAuto,                // "auto": detect (specs/xray-formats.md section 6)
  kCliJson,             // "xray-cli-json": jf scan/audit --format json (array or null)
  kCliSimpleJson,       // "xray-cli-simple-json": both layouts (before/after v1.14)
  kCliSarif,            // "xray-cli-sarif"
  kCliCycloneDx,        // "xray-cli-cyclonedx"
  kUiSecurityExport,    // "xray-ui-security-export": {"total_count","data"}
  kUiViolationsExport,  // "xray-ui-violations-export": array of UI violation rows
  kUiCycloneDx,         // "xray-ui-cyclonedx": CycloneDX 1.4 from the UI SBOM export
  kReport,              // "xray-report": {"total_rows","rows"} (Reports export / API page)
  kSummaryArtifact,     // "xray-summary-artifact": {"artifacts":[...]}
  kGraphScan,           // "xray-graph-scan": one raw graph-scan response object
  kViolations,          // "xray-violations": {"total_violations","violations"}
  kBuildScan,           // "xray-build-scan": v2 build scan {"build_name","build_number",...}
  kLegacyBuildScan,     // "xray-legacy-build-scan": {"summary","alerts"}
  kZip,                 // "zip": a UI or Reports export ZIP; members imported together
};

// Stable lower-case name ("xray-report", "zip", "auto").
std::string_view FormatName(Format format);
// Inverse of FormatName; nullopt for an unknown name.
std::optional<Format> ParseFormatName(std::string_view name);
// All names accepted by ParseFormatName, comma-separated (for help and error messages).
std::string_view FormatNameList();

}  // namespace bulwark::ingest
